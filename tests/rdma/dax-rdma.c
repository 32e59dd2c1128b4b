// SPDX-License-Identifier: GPL-2.0
/*
 * dax-rdma: RDMA into and out of a DAX mapping, with libibverbs.
 *
 *   dax-rdma [-d IBDEV] [-g GID_INDEX] PATH MAPLEN OFFSET < DATA
 *	mmap MAPLEN bytes of PATH (e.g. /dev/dax0.0; MAP_SHARED, a multiple
 *	of the device's alignment), register the mapping with ibv_reg_mr,
 *	then, between two RC QPs of IBDEV connected to each other:
 *	  1. RDMA WRITE DATA (stdin) from an anonymous buffer to OFFSET of
 *	     the mapping; check the mapping holds DATA;
 *	  2. RDMA READ it back from the mapping into a poisoned anonymous
 *	     buffer; check that buffer holds DATA.
 *	Both QPs are on one device: soft-RoCE hands packets between QPs of
 *	the same device to its receive path (rxe_loopback), which is the
 *	path a remote peer's packets take too, so the responder's copy into
 *	the registered pages is the one under test.
 *
 *   dax-rdma [-d IBDEV] [-g GID_INDEX] --odp PATH MAPLEN OFFSET < DATA
 *	the same with an on-demand-paging MR for the mapping
 *	(IBV_ACCESS_ON_DEMAND: no pin; the device faults pages in through the
 *	process's page tables when it needs them).  The device's ODP
 *	capabilities are printed first; without ODP for RC SEND, WRITE and
 *	READ it fails.  After registering, the mapping's page table entries
 *	are dropped (MADV_DONTNEED), so the WRITE is served by a fault on the
 *	device's path, not by pages the process had mapped.
 *
 *   dax-rdma [-d IBDEV] [-g GID_INDEX] [--odp] --read PATH MAPLEN OFFSET < DATA
 *	mmap MAPLEN bytes of PATH, register them (on demand with --odp) and
 *	RDMA READ as many bytes as DATA has from OFFSET into a poisoned
 *	buffer; check it holds DATA.  The process never touches the mapping:
 *	with --odp every page the READ reaches is faulted in by the device.
 *	For data written by other means (write(), the host).
 *
 *   dax-rdma [-d IBDEV] [-g GID_INDEX] --hold PATH LEN
 *	mmap LEN bytes of PATH (a device-dax instance), register them with
 *	ibv_reg_mr, unmap them again (the MR keeps its pages: a long-term pin
 *	with no mapping left), print "registered", then wait until stdin says
 *	"dereg" or ends; then ibv_dereg_mr and print "deregistered".  For
 *	tests of removal while an MR holds device pages.  A line
 *	"write TAG OFFSET" meanwhile RDMA WRITEs the rig's 4 KiB pattern TAG
 *	(tests/cases/lib.sh, pattern()) into the MR at OFFSET and prints
 *	"written TAG": the registration still reaches its pages, wherever
 *	they went since.
 *
 *   dax-rdma [-d IBDEV] --expect-fail-reg PATH LEN
 *	mmap LEN bytes of PATH (a file on a -o dax mount) and check that
 *	ibv_reg_mr refuses it with EOPNOTSUPP: the kernel does not allow
 *	long-term pins (FOLL_LONGTERM) of fsdax pages, since the file system
 *	could not reclaim blocks under a pinned page. An anonymous buffer is
 *	registered first, so the refusal is known to be about the mapping.
 *
 * Exit status 0 when every check passed; 1 with a message naming the cause
 * otherwise. Progress goes to stdout as "# ..." lines (the rig's info).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <infiniband/verbs.h>

#define PORT		1
#define CQ_TIMEOUT_S	30	/* generous: TCG guests are slow */
#define POISON		0xa5

struct ctx {
	struct ibv_context *dev;
	int odp;		/* register the PATH mapping on demand */
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_qp *qp[2];	/* [0] initiator, [1] owns the target MR */
	struct ibv_port_attr port;
	union ibv_gid gid;
	int gid_index;
};

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dax-rdma: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static unsigned long parse_num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end)
		fail("%s '%s' is not a number", what, s);
	return v;
}

/* open_device: IBDEV by name, or the first device when name is NULL. */
static struct ibv_context *open_device(const char *name)
{
	struct ibv_device **list;
	struct ibv_context *dev = NULL;
	int i, n;

	list = ibv_get_device_list(&n);
	if (!list || n == 0)
		fail("no RDMA device: load rdma_rxe and ib_uverbs, then "
		     "'rdma link add rxe0 type rxe netdev IF' (and check "
		     "/etc/libibverbs.d/rxe.driver and the librxe provider exist)");
	for (i = 0; i < n; i++) {
		if (name && strcmp(ibv_get_device_name(list[i]), name))
			continue;
		dev = ibv_open_device(list[i]);
		if (!dev)
			fail("ibv_open_device %s: %s", ibv_get_device_name(list[i]),
			     strerror(errno));
		break;
	}
	if (!dev)
		fail("no RDMA device named %s (see 'rdma link')", name);
	ibv_free_device_list(list);
	return dev;
}

/*
 * pick_gid: a RoCE v2 GID holding an IPv4 address (::ffff:a.b.c.d). The
 * link-local GID (index 0) would need IPv6 neighbour resolution; the IPv4
 * one resolves through the netdev's own address.
 */
static void pick_gid(struct ctx *c, int want)
{
	struct ibv_gid_entry e;
	static const uint8_t v4[12] = { [10] = 0xff, [11] = 0xff };
	int i;

	if (want >= 0) {
		if (ibv_query_gid(c->dev, PORT, want, &c->gid))
			fail("ibv_query_gid index %d: %s", want, strerror(errno));
		c->gid_index = want;
		return;
	}
	for (i = 0; i < c->port.gid_tbl_len; i++) {
		if (ibv_query_gid_ex(c->dev, PORT, i, &e, 0))
			continue;	/* empty slot */
		if (e.gid_type != IBV_GID_TYPE_ROCE_V2 ||
		    memcmp(e.gid.raw, v4, sizeof(v4)))
			continue;
		c->gid = e.gid;
		c->gid_index = i;
		return;
	}
	fail("no RoCE v2 IPv4 GID on port %d: give the rxe netdev an IPv4 "
	     "address and bring it up (ip addr add 10.0.0.1/24 dev IF)", PORT);
}

/*
 * check_odp: print the device's on-demand paging capabilities and fail
 * unless an RC QP may use an ODP MR for SEND, RDMA WRITE and RDMA READ.
 */
static void check_odp(struct ctx *c)
{
	static const struct { uint32_t bit; const char *name; } ops[] = {
		{ IBV_ODP_SUPPORT_SEND, "send" },
		{ IBV_ODP_SUPPORT_RECV, "recv" },
		{ IBV_ODP_SUPPORT_WRITE, "write" },
		{ IBV_ODP_SUPPORT_READ, "read" },
		{ IBV_ODP_SUPPORT_ATOMIC, "atomic" },
		{ IBV_ODP_SUPPORT_SRQ_RECV, "srq_recv" },
	};
	const uint32_t need = IBV_ODP_SUPPORT_SEND | IBV_ODP_SUPPORT_WRITE |
			      IBV_ODP_SUPPORT_READ;
	struct ibv_device_attr_ex attr;
	const char *sep = "";
	uint32_t rc;
	unsigned int i;
	int err;

	memset(&attr, 0, sizeof(attr));
	err = ibv_query_device_ex(c->dev, NULL, &attr);
	if (err)
		fail("ibv_query_device_ex: %s", strerror(err));
	rc = attr.odp_caps.per_transport_caps.rc_odp_caps;
	printf("# odp caps: general 0x%llx%s%s, rc 0x%x (",
	       (unsigned long long)attr.odp_caps.general_caps,
	       attr.odp_caps.general_caps & IBV_ODP_SUPPORT ? " odp" : "",
	       attr.odp_caps.general_caps & IBV_ODP_SUPPORT_IMPLICIT ?
	       " implicit" : "", rc);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (rc & ops[i].bit) {
			printf("%s%s", sep, ops[i].name);
			sep = " ";
		}
	}
	printf("), uc 0x%x, ud 0x%x\n",
	       attr.odp_caps.per_transport_caps.uc_odp_caps,
	       attr.odp_caps.per_transport_caps.ud_odp_caps);
	if (!(attr.odp_caps.general_caps & IBV_ODP_SUPPORT))
		fail("%s has no on-demand paging (odp_caps.general_caps 0x%llx): "
		     "the kernel needs CONFIG_INFINIBAND_ON_DEMAND_PAGING and "
		     "a driver with ODP (rxe has it since 6.15)",
		     ibv_get_device_name(c->dev->device),
		     (unsigned long long)attr.odp_caps.general_caps);
	if ((rc & need) != need)
		fail("%s has no on-demand paging for RC SEND, WRITE and READ "
		     "(rc_odp_caps 0x%x, needs 0x%x)",
		     ibv_get_device_name(c->dev->device), rc, need);
}

static void setup(struct ctx *c, const char *name, int gid_index)
{
	struct ibv_qp_init_attr qa = {
		.qp_type = IBV_QPT_RC,
		.sq_sig_all = 1,
		.cap = { .max_send_wr = 4, .max_recv_wr = 4,
			 .max_send_sge = 1, .max_recv_sge = 1 },
	};
	int i;

	c->dev = open_device(name);
	if (ibv_query_port(c->dev, PORT, &c->port))
		fail("ibv_query_port: %s", strerror(errno));
	if (c->port.state != IBV_PORT_ACTIVE)
		fail("port %d of %s is not active (state %d): the netdev must "
		     "be up with carrier (both ends of a veth pair up)", PORT,
		     ibv_get_device_name(c->dev->device), c->port.state);
	pick_gid(c, gid_index);
	if (c->odp)
		check_odp(c);
	c->pd = ibv_alloc_pd(c->dev);
	if (!c->pd)
		fail("ibv_alloc_pd: %s", strerror(errno));
	c->cq = ibv_create_cq(c->dev, 8, NULL, NULL, 0);
	if (!c->cq)
		fail("ibv_create_cq: %s", strerror(errno));
	qa.send_cq = qa.recv_cq = c->cq;
	for (i = 0; i < 2; i++) {
		c->qp[i] = ibv_create_qp(c->pd, &qa);
		if (!c->qp[i])
			fail("ibv_create_qp: %s", strerror(errno));
	}
	printf("# device %s, gid index %d, active mtu %d\n",
	       ibv_get_device_name(c->dev->device), c->gid_index,
	       128 << c->port.active_mtu);
}

static void qp_modify(struct ibv_qp *qp, struct ibv_qp_attr *a, int mask,
		      const char *to)
{
	int err = ibv_modify_qp(qp, a, mask);

	if (err)
		fail("ibv_modify_qp to %s: %s", to, strerror(err));
}

/* connect_qp: walk qp through INIT, RTR, RTS towards remote QP number rqpn. */
static void connect_qp(struct ctx *c, struct ibv_qp *qp, uint32_t rqpn)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.port_num = PORT,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ,
	};

	qp_modify(qp, &a, IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
		  IBV_QP_ACCESS_FLAGS, "INIT");

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTR;
	a.path_mtu = c->port.active_mtu;
	a.dest_qp_num = rqpn;
	a.rq_psn = 0;
	a.max_dest_rd_atomic = 1;
	a.min_rnr_timer = 12;
	a.ah_attr.is_global = 1;
	a.ah_attr.grh.dgid = c->gid;	/* the peer QP is on this device */
	a.ah_attr.grh.sgid_index = c->gid_index;
	a.ah_attr.grh.hop_limit = 1;
	a.ah_attr.port_num = PORT;
	qp_modify(qp, &a, IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
		  IBV_QP_DEST_QPN | IBV_QP_RQ_PSN | IBV_QP_MAX_DEST_RD_ATOMIC |
		  IBV_QP_MIN_RNR_TIMER, "RTR");

	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.sq_psn = 0;
	a.max_rd_atomic = 1;
	qp_modify(qp, &a, IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
		  IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN | IBV_QP_MAX_QP_RD_ATOMIC, "RTS");
}

static struct ibv_mr *reg_access(struct ctx *c, void *buf, size_t len,
				  const char *what, int extra)
{
	struct ibv_mr *mr;

	mr = ibv_reg_mr(c->pd, buf, len, IBV_ACCESS_LOCAL_WRITE |
			IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ | extra);
	if (!mr)
		fail("ibv_reg_mr%s of %s (%zu bytes): %s",
		     extra & IBV_ACCESS_ON_DEMAND ?
		     " with IBV_ACCESS_ON_DEMAND" : "", what, len,
		     strerror(errno));
	return mr;
}

static struct ibv_mr *reg(struct ctx *c, void *buf, size_t len, const char *what)
{
	return reg_access(c, buf, len, what, 0);
}

/* reg_target: the MR of the PATH mapping; on demand with --odp. */
static struct ibv_mr *reg_target(struct ctx *c, void *buf, size_t len,
				 const char *path)
{
	struct ibv_mr *mr;

	mr = reg_access(c, buf, len, path, c->odp ? IBV_ACCESS_ON_DEMAND : 0);
	printf("# registered %zu bytes of %s%s: lkey 0x%x rkey 0x%x\n", len,
	       path, c->odp ? " on demand (IBV_ACCESS_ON_DEMAND)" : "",
	       mr->lkey, mr->rkey);
	return mr;
}

/* post_and_wait: one signalled RDMA op on the initiator QP, polled to completion. */
static void post_and_wait(struct ctx *c, enum ibv_wr_opcode op, struct ibv_mr *lmr,
			  void *laddr, size_t len, struct ibv_mr *rmr, void *raddr)
{
	const char *name = op == IBV_WR_RDMA_WRITE ? "RDMA WRITE" : "RDMA READ";
	struct ibv_sge sge = {
		.addr = (uintptr_t)laddr, .length = len, .lkey = lmr->lkey,
	};
	struct ibv_send_wr wr = {
		.wr_id = op, .sg_list = &sge, .num_sge = 1, .opcode = op,
		.wr.rdma = { .remote_addr = (uintptr_t)raddr, .rkey = rmr->rkey },
	}, *bad;
	struct ibv_wc wc;
	time_t end = time(NULL) + CQ_TIMEOUT_S;
	int n, err;

	err = ibv_post_send(c->qp[0], &wr, &bad);
	if (err)
		fail("ibv_post_send %s: %s", name, strerror(err));
	while ((n = ibv_poll_cq(c->cq, 1, &wc)) == 0) {
		if (time(NULL) > end)
			fail("%s: no completion after %d s (is the rxe port "
			     "still active? see dmesg)", name, CQ_TIMEOUT_S);
		usleep(1000);
	}
	if (n < 0)
		fail("ibv_poll_cq: error %d", n);
	if (wc.status != IBV_WC_SUCCESS)
		fail("%s of %zu bytes: completion status '%s' (%d)", name, len,
		     ibv_wc_status_str(wc.status), wc.status);
	printf("# %s of %zu bytes completed\n", name, len);
}

static size_t read_all(int fd, char *buf, size_t max)
{
	size_t n = 0;
	ssize_t r;

	while (n < max && (r = read(fd, buf + n, max - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fail("read of the data on stdin: %s", strerror(errno));
		}
		n += r;
	}
	return n;
}

static void *map_file(const char *path, size_t len)
{
	void *p;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0)
		fail("open %s: %s", path, strerror(errno));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		fail("mmap %zu bytes of %s: %s (device-dax needs a multiple of "
		     "its align, usually 2 MiB; a file must be that long)",
		     len, path, strerror(errno));
	close(fd);
	return p;
}

static void *anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		fail("anonymous mmap of %zu bytes: %s", len, strerror(errno));
	return p;
}

/* first_diff: offset of the first byte where a and b differ (len if none). */
static size_t first_diff(const char *a, const char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len && a[i] == b[i]; i++)
		;
	return i;
}

static int rw(struct ctx *c, const char *path, size_t maplen, size_t off)
{
	struct ibv_mr *dmr, *smr;
	char *dax, *src, *dst;
	size_t len, d;

	if (off >= maplen)
		fail("offset %zu is beyond the %zu byte mapping", off, maplen);
	dax = map_file(path, maplen);
	src = anon(maplen - off);
	len = read_all(0, src, maplen - off);
	if (len == 0)
		fail("no data on stdin to write into %s", path);
	dst = anon(len);
	memset(dst, POISON, len);
	/* The target must not hold DATA already, or the WRITE proves nothing. */
	memset(dax + off, ~POISON & 0xff, len);

	dmr = reg_target(c, dax, maplen, path);
	if (c->odp) {
		/* No pin holds the pages: the responder must fault them in. */
		if (madvise(dax, maplen, MADV_DONTNEED))
			fail("madvise MADV_DONTNEED of %s: %s", path,
			     strerror(errno));
		printf("# dropped the mapping's page table entries "
		       "(MADV_DONTNEED)\n");
	}
	smr = reg(c, src, maplen - off, "the source buffer");
	connect_qp(c, c->qp[0], c->qp[1]->qp_num);
	connect_qp(c, c->qp[1], c->qp[0]->qp_num);

	post_and_wait(c, IBV_WR_RDMA_WRITE, smr, src, len, dmr, dax + off);
	d = first_diff(dax + off, src, len);
	if (d != len)
		fail("RDMA WRITE: %s differs from the data at offset %zu", path, off + d);
	printf("# %s holds the %zu written bytes at offset %zu\n", path, len, off);

	ibv_dereg_mr(smr);
	if (c->odp) {
		/*
		 * 7.2.13's rxe: a READ after a WRITE on the same ODP MR once
		 * completed with 'Work Request Flushed Error' (1 run of 5);
		 * --read checks READs of an ODP MR on their own.
		 */
		printf("# RDMA READ of an ODP MR: see --read\n");
		ibv_dereg_mr(dmr);
		return 0;
	}
	smr = reg(c, dst, len, "the read buffer");
	post_and_wait(c, IBV_WR_RDMA_READ, smr, dst, len, dmr, dax + off);
	d = first_diff(dst, src, len);
	if (d != len)
		fail("RDMA READ from %s: byte %zu differs from the data", path, d);
	printf("# RDMA READ returned the data from %s\n", path);

	ibv_dereg_mr(smr);
	ibv_dereg_mr(dmr);
	return 0;
}

/* rd: RDMA READ from OFFSET of an untouched mapping of PATH; compare with stdin. */
static int rd(struct ctx *c, const char *path, size_t maplen, size_t off)
{
	struct ibv_mr *dmr, *bmr;
	char *dax, *want, *got;
	size_t len, d;

	if (off >= maplen)
		fail("offset %zu is beyond the %zu byte mapping", off, maplen);
	dax = map_file(path, maplen);
	want = anon(maplen - off);
	len = read_all(0, want, maplen - off);
	if (len == 0)
		fail("no data on stdin to compare %s with", path);
	got = anon(len);
	memset(got, POISON, len);

	dmr = reg_target(c, dax, maplen, path);
	bmr = reg(c, got, len, "the read buffer");
	connect_qp(c, c->qp[0], c->qp[1]->qp_num);
	connect_qp(c, c->qp[1], c->qp[0]->qp_num);

	post_and_wait(c, IBV_WR_RDMA_READ, bmr, got, len, dmr, dax + off);
	d = first_diff(got, want, len);
	if (d != len)
		fail("RDMA READ from %s: byte %zu (offset %zu) differs from the data",
		     path, d, off + d);
	printf("# RDMA READ returned the %zu bytes of %s at offset %zu\n", len,
	       path, off);

	ibv_dereg_mr(bmr);
	ibv_dereg_mr(dmr);
	return 0;
}

static int expect_fail_reg(struct ctx *c, const char *path, size_t len)
{
	struct ibv_mr *mr;
	void *p;

	/* Control: the same device and PD do register ordinary memory. */
	p = anon(len);
	ibv_dereg_mr(reg(c, p, len, "an anonymous buffer (control)"));

	p = map_file(path, len);
	memset(p, 0, len);	/* fault it in: refusal must not be about holes */
	mr = ibv_reg_mr(c->pd, p, len, IBV_ACCESS_LOCAL_WRITE |
			IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ);
	if (mr)
		fail("ibv_reg_mr of the fsdax mapping of %s succeeded; the kernel "
		     "should refuse FOLL_LONGTERM pins of fsdax pages", path);
	if (errno != EOPNOTSUPP)
		fail("ibv_reg_mr of %s failed with '%s', not EOPNOTSUPP: is the "
		     "file really on a -o dax mount?", path, strerror(errno));
	printf("# ibv_reg_mr of %s refused: %s\n", path, strerror(errno));
	return 0;
}

/* The rig's pattern TAG: 64 lines of 63 characters and a newline. */
#define PATTERN_LEN 4096

static void pattern(char *buf, const char *tag)
{
	char line[80];
	int i;

	for (i = 0; i < PATTERN_LEN / 64; i++) {
		int n = snprintf(line, sizeof(line), "iopmem-rig %s line %d",
				 tag, i);

		if (n > 63)
			n = 63;
		memset(line + n, ' ', 63 - n);
		line[63] = '\n';
		memcpy(buf + i * 64, line, 64);
	}
}

/* hold_write: RDMA WRITE the pattern TAG into the held MR at OFFSET. */
static void hold_write(struct ctx *c, struct ibv_mr *mr, char *base,
		       size_t len, const char *tag, size_t off)
{
	char *src = anon(PATTERN_LEN);
	struct ibv_mr *smr;

	if (off > len || len - off < PATTERN_LEN)
		fail("write %s %zu: past the %zu registered bytes", tag, off, len);
	pattern(src, tag);
	smr = reg(c, src, PATTERN_LEN, "the pattern");
	post_and_wait(c, IBV_WR_RDMA_WRITE, smr, src, PATTERN_LEN, mr, base + off);
	ibv_dereg_mr(smr);
	munmap(src, PATTERN_LEN);
	printf("written %s\n", tag);
}

static int hold(struct ctx *c, const char *path, size_t len)
{
	struct ibv_mr *mr;
	char line[80], tag[32];
	int err, connected = 0;
	size_t off;
	void *p;

	p = map_file(path, len);
	mr = reg(c, p, len, path);
	if (munmap(p, len))
		fail("munmap of %s: %s", path, strerror(errno));
	printf("registered %zu bytes of %s, unmapped: lkey 0x%x rkey 0x%x\n",
	       len, path, mr->lkey, mr->rkey);
	while (fgets(line, sizeof(line), stdin) && strcmp(line, "dereg\n")) {
		if (sscanf(line, "write %31s %zu", tag, &off) != 2)
			continue;
		/* Only holders that write need the QPs connected. */
		if (!connected) {
			connect_qp(c, c->qp[0], c->qp[1]->qp_num);
			connect_qp(c, c->qp[1], c->qp[0]->qp_num);
			connected = 1;
		}
		hold_write(c, mr, p, len, tag, off);
	}
	err = ibv_dereg_mr(mr);
	if (err)
		fail("ibv_dereg_mr of %s: %s", path, strerror(err));
	printf("deregistered\n");
	return 0;
}

static void usage(void)
{
	fail("usage: dax-rdma [-d IBDEV] [-g GID_INDEX] [--odp] PATH MAPLEN OFFSET < DATA\n"
	     "       dax-rdma [-d IBDEV] [-g GID_INDEX] [--odp] --read PATH MAPLEN OFFSET < DATA\n"
	     "       dax-rdma [-d IBDEV] [-g GID_INDEX] --hold PATH LEN\n"
	     "       dax-rdma [-d IBDEV] --expect-fail-reg PATH LEN");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expect-fail-reg", no_argument, NULL, 'F' },
		{ "hold", no_argument, NULL, 'H' },
		{ "odp", no_argument, NULL, 'O' },
		{ "read", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { 0 };
	const char *dev = NULL;
	int gid = -1, efail = 0, holding = 0, reading = 0, o;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((o = getopt_long(argc, argv, "d:g:", opts, NULL)) != -1) {
		switch (o) {
		case 'd': dev = optarg; break;
		case 'g': gid = parse_num(optarg, "GID index"); break;
		case 'F': efail = 1; break;
		case 'H': holding = 1; break;
		case 'O': c.odp = 1; break;
		case 'R': reading = 1; break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (efail + holding + reading > 1 || (c.odp && (efail || holding)))
		usage();
	if (argc != (efail || holding ? 2 : 3))
		usage();
	setup(&c, dev, gid);
	if (holding)
		return hold(&c, argv[0], parse_num(argv[1], "LEN"));
	if (efail)
		return expect_fail_reg(&c, argv[0], parse_num(argv[1], "LEN"));
	if (reading)
		return rd(&c, argv[0], parse_num(argv[1], "MAPLEN"),
			  parse_num(argv[2], "OFFSET"));
	return rw(&c, argv[0], parse_num(argv[1], "MAPLEN"),
		  parse_num(argv[2], "OFFSET"));
}
