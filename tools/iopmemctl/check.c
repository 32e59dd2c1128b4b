// SPDX-License-Identifier: GPL-2.0
/*
 * iopmemctl check [<iopmemN|pci-address>] [--peer <pci-address>...] [--json]
 *
 * Can a peer (NVMe, RDMA NIC) DMA into an iopmem device's BAR? Computed
 * from sysfs alone, with the rules of the kernel's pci_p2pdma distance
 * calculation (calc_map_type_and_dist() in drivers/pci/p2pdma.c, 7.2):
 * walking up from the provider, the first bridge that is also upstream of
 * the client is their common upstream bridge; ACS P2P redirect (RR, CR or
 * EC) on a port of that path, or no common bridge at all, sends the
 * traffic through the host bridge, which the kernel allows only for the
 * host bridges on its allow list or on AMD Zen and newer CPUs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "iopmemctl.h"

static const char check_usage[] =
"usage: iopmemctl check [<iopmemN|pci-address>] [--peer <pci-address>]...\n"
"                       [--json]\n"
"\n"
"Tell whether peers can DMA into an iopmem device's BAR, from sysfs: the\n"
"PCIe path of each device up to its host bridge, their common upstream\n"
"bridge, ACS P2P redirect on the ports of the path (needs root: config\n"
"space), IOMMU mode, and the BAR (prefetchable, 64-bit, above 4 GiB). A\n"
"verdict per peer, with the kernel's P2PDMA rules: works (a common PCIe\n"
"switch, no redirect), works-through-root-complex (a host bridge the\n"
"kernel allows), or refused; with the reason and the fix.\n"
"Without a device, every iopmem device; without --peer, every NVMe and\n"
"network controller.\n"
"\n"
"  -p, --peer PCI  a peer device (repeatable)\n"
"  -j, --json      JSON (an array of objects, one per iopmem device)\n"
"  -h, --help      this text\n";

/* Kernel resource flags (include/linux/ioport.h: not in the UAPI). */
#define RES_MEM		0x00000200
#define RES_PREFETCH	0x00002000
#define RES_MEM_64	0x00100000

#define MAX_DEPTH	32
#define MAX_PEERS	32
#define PCI_ADDR_LEN	17	/* "DDDD:BB:SS.F", the domain up to 8 digits */

/* A PCI function and the bridges above it, nearest first. */
struct pci_path {
	char dev[PCI_ADDR_LEN];
	char up[MAX_DEPTH][PCI_ADDR_LEN];
	int n;
	char host[32];		/* "pci0000:00" */
};

static bool is_pci_addr(const char *s)
{
	char buf[PCI_ADDR_LEN + 8];

	/* Only the full form, as sysfs names the devices. */
	return !parse_pci_addr(s, buf, sizeof(buf)) && !strcmp(buf, s);
}

/* The chain of @pci from its sysfs directory: .../pciD:B/X/Y/pci. */
static int pci_path_of(const char *pci, struct pci_path *p)
{
	char path[IOPMEMCTL_PATH_MAX], real[PATH_MAX], *tok, *save;
	char comps[MAX_DEPTH + 1][PCI_ADDR_LEN];
	int n = 0;

	memset(p, 0, sizeof(*p));
	snprintf(p->dev, sizeof(p->dev), "%s", pci);
	if (!realpath(sysfs_path(path, "bus/pci/devices/%s", pci), real))
		return -errno;
	for (tok = strtok_r(real, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (!strncmp(tok, "pci", 3) && strchr(tok, ':')) {
			snprintf(p->host, sizeof(p->host), "%s", tok);
			n = 0;
		} else if (is_pci_addr(tok) && n <= MAX_DEPTH) {
			snprintf(comps[n++], PCI_ADDR_LEN, "%s", tok);
		}
	}
	/* comps[n - 1] is @pci itself; the ones before it are its bridges. */
	for (int i = n - 2; i >= 0; i--)
		snprintf(p->up[p->n++], PCI_ADDR_LEN, "%s", comps[i]);
	return 0;
}

/* The devices a DMA passes going up from p->dev: itself, then bridges. */
static const char *path_at(const struct pci_path *p, int i)
{
	return i == 0 ? p->dev : p->up[i - 1];
}

static int pci_attr(const char *pci, const char *attr, char *buf, size_t len)
{
	char path[IOPMEMCTL_PATH_MAX];

	return sysfs_read(sysfs_path(path, "bus/pci/devices/%s/%s", pci, attr),
			  buf, len);
}

static unsigned long pci_attr_ul(const char *pci, const char *attr)
{
	char val[64];

	if (pci_attr(pci, attr, val, sizeof(val)))
		return 0;
	return strtoul(val, NULL, 0);
}

/*
 * The ACS capability of @pci from its config space: 1 with *ctrl set,
 * 0 if it has none, -1 when the extended config space is out of reach
 * (sysfs gives it to root only).
 */
static int acs_ctrl(const char *pci, uint16_t *ctrl)
{
	char path[IOPMEMCTL_PATH_MAX];
	uint8_t cfg[4096];
	unsigned int pos = PCI_CFG_SPACE_SIZE;
	ssize_t n;
	int fd;

	fd = open(sysfs_path(path, "bus/pci/devices/%s/config", pci),
		  O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, cfg, sizeof(cfg), 0);
	close(fd);
	if (n < PCI_CFG_SPACE_SIZE + 4)
		return n == PCI_CFG_SPACE_SIZE ? 0 : -1; /* conventional PCI */
	for (int hops = 0; pos >= PCI_CFG_SPACE_SIZE && pos + 8 <= (size_t)n &&
	     hops < 256; hops++) {
		uint32_t hdr = cfg[pos] | cfg[pos + 1] << 8 |
			       cfg[pos + 2] << 16 | (uint32_t)cfg[pos + 3] << 24;

		if (!hdr || hdr == 0xffffffff)
			break;
		if (PCI_EXT_CAP_ID(hdr) == PCI_EXT_CAP_ID_ACS) {
			*ctrl = cfg[pos + PCI_ACS_CTRL] |
				cfg[pos + PCI_ACS_CTRL + 1] << 8;
			return 1;
		}
		pos = PCI_EXT_CAP_NEXT(hdr);
	}
	return 0;
}

/* "none", "passthrough", "translated" or the group's type as it reads. */
static const char *iommu_mode(const char *pci, char *buf, size_t len)
{
	char type[64];

	if (pci_attr(pci, "iommu_group/type", type, sizeof(type))) {
		char path[IOPMEMCTL_PATH_MAX];

		/* Kernels before 5.11 have no type: a group is all we know. */
		return access(sysfs_path(path, "bus/pci/devices/%s/iommu_group",
					 pci), F_OK) ? "none" : "translated";
	}
	if (!strcmp(type, "identity"))
		return "passthrough";
	if (!strncmp(type, "DMA", 3))
		return "translated";
	snprintf(buf, len, "%s", type);
	return buf;
}

static void add_str(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

static const char *obj_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		json_object_get_string(v) : "";
}

/* The path as JSON: each port with its ACS state; counts redirects. */
static struct json_object *path_json(const struct pci_path *p, int upto,
				     char *redir, size_t len, int *unknown)
{
	struct json_object *arr = json_object_new_array();

	for (int i = 0; i <= p->n && i < upto; i++) {
		const char *dev = path_at(p, i);
		struct json_object *port = json_object_new_object();
		uint16_t ctrl = 0;
		int rc = acs_ctrl(dev, &ctrl);
		char hex[8];

		add_str(port, "pci", dev);
		if (rc < 0) {
			add_str(port, "acs", "unknown");
			(*unknown)++;
		} else if (!rc) {
			add_str(port, "acs", "none");
		} else {
			bool r = ctrl & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);

			snprintf(hex, sizeof(hex), "0x%04x", ctrl);
			add_str(port, "acs", hex);
			json_object_object_add(port, "acs_redirect",
					       json_object_new_boolean(r));
			if (r) {
				size_t used = strlen(redir);

				snprintf(redir + used, len - used, "%s%s",
					 used ? ";" : "", dev);
			}
		}
		json_object_array_add(arr, port);
	}
	return arr;
}

/* The kernel's allow list of host bridges (pci_p2pdma_whitelist[], 7.2). */
static const struct {
	unsigned short vendor;
	int device;		/* -1: any */
	bool same_host_bridge;	/* allowed only within one host bridge */
} host_allow[] = {
	{ 0x8086, 0x3c00, true }, { 0x8086, 0x3c01, true },
	{ 0x8086, 0x2f00, true }, { 0x8086, 0x2f01, true },
	{ 0x8086, 0x2030, false }, { 0x8086, 0x2031, false },
	{ 0x8086, 0x2032, false }, { 0x8086, 0x2033, false },
	{ 0x8086, 0x2020, false }, { 0x8086, 0x09a2, false },
	{ 0x8086, 0x0b25, false }, { 0x8086, 0x0cfe, false },
	{ 0x8086, 0x11fb, false }, { 0x8086, 0x1212, false },
	{ 0x8086, 0x1216, false }, { 0x8086, 0x4940, false },
	{ 0x8086, 0x4942, false }, { 0x8086, 0x4944, false },
	{ 0x8086, 0x4946, false }, { 0x8086, 0x4948, false },
	{ 0x1ae0, -1, false },
};

/*
 * The device that stands for host bridge @host ("pciD:B") in the kernel's
 * list: the first function on its root bus if it is 00.0 or a bridge
 * (a root port). Its vendor:device into @id; true if on the allow list.
 */
static bool host_allowed(const char *host, bool same, char *id, size_t len)
{
	char path[IOPMEMCTL_PATH_MAX], first[PCI_ADDR_LEN] = "";
	unsigned int dom, bus;
	unsigned long vendor, device;

	snprintf(id, len, "unknown");
	if (sscanf(host, "pci%x:%x", &dom, &bus) != 2)
		return false;
	for (unsigned int devfn = 0; devfn < 256 && !first[0]; devfn++) {
		char addr[PCI_ADDR_LEN];

		snprintf(addr, sizeof(addr), "%04x:%02x:%02x.%x", dom, bus,
			 devfn >> 3, devfn & 7);
		if (!access(sysfs_path(path, "bus/pci/devices/%s", addr), F_OK))
			snprintf(first, sizeof(first), "%s", addr);
	}
	if (!first[0])
		return false;
	if (strcmp(strrchr(first, ':') + 1, "00.0") &&
	    (pci_attr_ul(first, "class") >> 8) != 0x0604)
		return false;
	vendor = pci_attr_ul(first, "vendor");
	device = pci_attr_ul(first, "device");
	snprintf(id, len, "%04lx:%04lx", vendor, device);
	for (size_t i = 0; i < sizeof(host_allow) / sizeof(host_allow[0]); i++) {
		if (host_allow[i].vendor != vendor ||
		    (host_allow[i].device >= 0 &&
		     (unsigned long)host_allow[i].device != device))
			continue;
		return same || !host_allow[i].same_host_bridge;
	}
	return false;
}

/* AMD family 0x17 (Zen) and newer: the kernel allows any host bridge. */
static bool cpu_allows_p2pdma(void)
{
	const char *path = getenv("IOPMEMCTL_CPUINFO");
	char line[256];
	bool amd = false;
	int family = 0;
	FILE *f;

	f = fopen(path && *path ? path : "/proc/cpuinfo", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "vendor_id", 9))
			amd = strstr(line, "AuthenticAMD") != NULL;
		else if (!strncmp(line, "cpu family", 10))
			sscanf(strchr(line, ':') ? strchr(line, ':') + 1 : "",
			       "%d", &family);
		else if (line[0] == '\n')
			break;	/* the first CPU is enough, as in the kernel */
	}
	fclose(f);
	return amd && family >= 0x17;
}

/* The BAR iopmem uses (its bar attribute), else the largest 64-bit one. */
static struct json_object *bar_json(const char *pci, const char *dev)
{
	char path[IOPMEMCTL_PATH_MAX], line[256], val[16];
	unsigned long long start[6] = { 0 }, end[6] = { 0 }, flags[6] = { 0 };
	int want = -1, best = -1;
	struct json_object *o;
	FILE *f;

	if (dev && sysfs_read(sysfs_path(path, "class/iopmem/%s/bar", dev),
			      val, sizeof(val)) == 0)
		want = atoi(val);
	f = fopen(sysfs_path(path, "bus/pci/devices/%s/resource", pci), "re");
	if (!f)
		return NULL;
	for (int i = 0; i < 6 && fgets(line, sizeof(line), f); i++)
		sscanf(line, "%llx %llx %llx", &start[i], &end[i], &flags[i]);
	fclose(f);
	for (int i = 0; i < 6; i++) {
		if (!(flags[i] & RES_MEM) || !end[i])
			continue;
		if (want == i || (want < 0 && (flags[i] & RES_MEM_64) &&
				  (best < 0 || end[i] - start[i] >
					       end[best] - start[best])))
			best = i;
	}
	if (best < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "index", json_object_new_int(best));
	json_object_object_add(o, "size",
		json_object_new_int64(end[best] - start[best] + 1));
	json_object_object_add(o, "prefetchable",
		json_object_new_boolean(flags[best] & RES_PREFETCH));
	json_object_object_add(o, "64bit",
		json_object_new_boolean(flags[best] & RES_MEM_64));
	json_object_object_add(o, "above_4g",
		json_object_new_boolean(start[best] >= (1ULL << 32)));
	snprintf(line, sizeof(line), "resource%d_resize", best);
	if (pci_attr(pci, line, val, sizeof(val)) == 0)
		add_str(o, "resizable_sizes", val);
	return o;
}

/*
 * One peer: the kernel's walk from the provider up, the first of its
 * devices that is also on the client's way up is the common bridge.
 */
static struct json_object *peer_json(const struct pci_path *prov,
				     const char *peer)
{
	struct json_object *o = json_object_new_object();
	char redir[512] = "", id_a[16], id_b[16], buf[1024], mbuf[64];
	const char *common = NULL, *iommu, *verdict;
	struct pci_path cl;
	int ia = -1, ib = -1, unknown = 0;
	bool allowed, cpu, same, ok_a, ok_b;

	add_str(o, "pci", peer);
	if (pci_path_of(peer, &cl)) {
		add_str(o, "verdict", "unknown");
		add_str(o, "reason", "no such PCI device");
		add_str(o, "fix", "'lspci -D' lists the devices");
		return o;
	}
	for (int a = 0; a <= prov->n && !common; a++)
		for (int b = 0; b <= cl.n; b++)
			if (!strcmp(path_at(prov, a), path_at(&cl, b))) {
				common = path_at(prov, a);
				ia = a;
				ib = b;
				break;
			}
	iommu = iommu_mode(peer, mbuf, sizeof(mbuf));
	add_str(o, "iommu", iommu);
	add_str(o, "host_bridge", cl.host);
	/* The kernel checks ACS on the provider's side up to and with the
	 * common bridge, on the client's side below it.
	 */
	json_object_object_add(o, "provider_path",
		path_json(prov, common ? ia + 1 : prov->n + 1, redir,
			  sizeof(redir), &unknown));
	json_object_object_add(o, "peer_path",
		path_json(&cl, common ? ib : cl.n + 1, redir, sizeof(redir),
			  &unknown));
	if (common)
		add_str(o, "common_upstream", common);

	if (common && !redir[0] && !unknown) {
		verdict = "works";
		snprintf(buf, sizeof(buf), "both are below %s and no port on the way has ACS P2P redirect: peer-to-peer TLPs stay in the switch",
			 common);
		add_str(o, "reason", buf);
		add_str(o, "fix", "none needed");
		goto out;
	}
	/* Without a common bridge the kernel does not look at ACS. */
	if (!common)
		redir[0] = '\0';
	cpu = cpu_allows_p2pdma();
	same = !strcmp(prov->host, cl.host);
	ok_a = host_allowed(prov->host, same, id_a, sizeof(id_a));
	ok_b = same ? ok_a : host_allowed(cl.host, false, id_b, sizeof(id_b));
	allowed = cpu || (ok_a && ok_b);
	if (common && unknown && !redir[0]) {
		verdict = "unknown";
		add_str(o, "reason", "the ACS settings of the path need the extended config space, which sysfs gives to root only");
		add_str(o, "fix", "run it as root");
		goto out;
	}
	if (common)
		snprintf(buf, sizeof(buf), "ACS P2P redirect on %s sends the traffic through the host bridge", redir);
	else if (strcmp(prov->host, cl.host))
		snprintf(buf, sizeof(buf), "no common upstream bridge: the devices are under different host bridges (%s, %s)",
			 prov->host, cl.host);
	else
		snprintf(buf, sizeof(buf), "no common upstream bridge: the traffic goes through the host bridge %s",
			 prov->host);
	if (allowed) {
		size_t used = strlen(buf);

		verdict = "works-through-root-complex";
		snprintf(buf + used, sizeof(buf) - used, ", which the kernel allows (%s%s%s)",
			 cpu ? "AMD Zen or newer CPU" : id_a,
			 cpu || same ? "" : ", ", cpu || same ? "" : id_b);
	} else {
		size_t used = strlen(buf);

		verdict = "refused";
		snprintf(buf + used, sizeof(buf) - used, ", and the kernel's P2PDMA does not allow host bridge %s: it is not on its allow list and the CPU is no AMD Zen or newer",
			 !ok_a ? id_a : id_b);
	}
	add_str(o, "reason", buf);
	if (redir[0])
		snprintf(buf, sizeof(buf), "boot with pci=disable_acs_redir=%s (ACS redirect is set when an IOMMU is on: with iommu=pt or without the IOMMU it may stay off)",
			 redir);
	else if (!allowed)
		snprintf(buf, sizeof(buf), "put both devices behind one PCIe switch (or under a host bridge the kernel allows)");
	else
		snprintf(buf, sizeof(buf), "none needed; behind one PCIe switch the traffic would not reach the root complex");
	add_str(o, "fix", buf);
out:
	add_str(o, "verdict", verdict);
	/* The initiator's domain translates; the BAR's device's does not. */
	if (!strcmp(iommu, "translated"))
		add_str(o, "note", "an IOMMU translates DMA here: the peer's DMA into iopmem's fsdax and devdax pages (mapped as RAM) goes through the IOMMU and the root complex whatever the path; mode p2pdma (bus addresses) or iommu=pt avoid that");
	return o;
}

/* Every NVMe controller and network controller but @self. */
static int default_peers(const char *self, char peers[][PCI_ADDR_LEN])
{
	char path[IOPMEMCTL_PATH_MAX];
	struct dirent **ents;
	int n, count = 0;

	n = scandir(sysfs_path(path, "bus/pci/devices"), &ents, NULL,
		    alphasort);
	for (int i = 0; i < n; i++) {
		const char *d = ents[i]->d_name;
		unsigned long cls;

		if (is_pci_addr(d) && strcmp(d, self) && count < MAX_PEERS) {
			cls = pci_attr_ul(d, "class");
			if ((cls >> 8) == 0x0108 || (cls >> 16) == 0x02)
				snprintf(peers[count++], PCI_ADDR_LEN, "%.16s", d);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return count;
}

static struct json_object *check_json(const char *pci, const char *dev,
				      char peers[][PCI_ADDR_LEN], int npeers)
{
	struct json_object *o = json_object_new_object(), *bar, *arr;
	char mbuf[64], defaults[MAX_PEERS][PCI_ADDR_LEN];
	const char *iommu;
	struct pci_path p;

	if (dev)
		add_str(o, "dev", dev);
	add_str(o, "pci", pci);
	pci_path_of(pci, &p);
	add_str(o, "host_bridge", p.host);
	arr = json_object_new_array();
	for (int i = 0; i < p.n; i++)
		json_object_array_add(arr, json_object_new_string(p.up[i]));
	json_object_object_add(o, "upstream", arr);
	iommu = iommu_mode(pci, mbuf, sizeof(mbuf));
	add_str(o, "iommu", iommu);
	bar = bar_json(pci, dev);
	if (bar)
		json_object_object_add(o, "bar", bar);
	if (!npeers) {
		npeers = default_peers(pci, defaults);
		peers = defaults;
	}
	arr = json_object_new_array();
	for (int i = 0; i < npeers; i++)
		json_object_array_add(arr, peer_json(&p, peers[i]));
	json_object_object_add(o, "peers", arr);
	return o;
}

static void print_check(struct json_object *o)
{
	struct json_object *v, *bar;
	char size[32] = "?";

	printf("%s %s: host bridge %s, iommu %s\n",
	       obj_str(o, "dev")[0] ? obj_str(o, "dev") : "device",
	       obj_str(o, "pci"), obj_str(o, "host_bridge"), obj_str(o, "iommu"));
	if (json_object_object_get_ex(o, "upstream", &v)) {
		printf("  upstream:");
		for (size_t i = 0; i < json_object_array_length(v); i++)
			printf(" %s", json_object_get_string(
					json_object_array_get_idx(v, i)));
		printf("%s\n", json_object_array_length(v) ? "" : " (root bus)");
	}
	if (json_object_object_get_ex(o, "bar", &bar)) {
		if (json_object_object_get_ex(bar, "size", &v))
			format_size(json_object_get_int64(v), size, sizeof(size));
		printf("  BAR%s %s: %sprefetchable, %s, %s 4 GiB\n",
		       obj_str(bar, "index"), size,
		       strcmp(obj_str(bar, "prefetchable"), "true") ? "not " : "",
		       strcmp(obj_str(bar, "64bit"), "true") ? "32-bit" : "64-bit",
		       strcmp(obj_str(bar, "above_4g"), "true") ? "below" : "above");
	}
	if (!json_object_object_get_ex(o, "peers", &v))
		return;
	if (!json_object_array_length(v))
		printf("  no peers: give them with --peer\n");
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *p = json_object_array_get_idx(v, i);

		printf("  peer %s: %s: %s\n    fix: %s\n", obj_str(p, "pci"),
		       obj_str(p, "verdict"), obj_str(p, "reason"),
		       obj_str(p, "fix"));
		if (obj_str(p, "note")[0])
			printf("    note: %s\n", obj_str(p, "note"));
	}
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "peer", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char peers[MAX_PEERS][PCI_ADDR_LEN], pci[PCI_ADDR_LEN + 8], dev[64];
	struct json_object *arr;
	int c, npeers = 0, rc = 0;
	bool json = false;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (npeers == MAX_PEERS)
				return fail("check: at most %d peers", MAX_PEERS);
			if (parse_pci_addr(optarg, peers[npeers], PCI_ADDR_LEN))
				return fail("check: --peer %s: not a PCI address; give DDDD:BB:SS.F or BB:SS.F as 'lspci -D' shows it",
					    optarg);
			npeers++;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return usage(check_usage, true);
		default:
			return usage(check_usage, false);
		}
	}
	if (argc - optind > 1)
		return usage(check_usage, false);
	arr = json_object_new_array();
	if (argc - optind == 1) {
		const char *arg = dev_arg(argv[optind]);
		char path[IOPMEMCTL_PATH_MAX];

		if (parse_iopmem_name(arg) >= 0) {
			if (!iopmem_exists(arg) ||
			    iopmem_pci(arg, pci, sizeof(pci))) {
				json_object_put(arr);
				return fail("check %s: no such iopmem device; 'iopmemctl list' shows them",
					    arg);
			}
			snprintf(dev, sizeof(dev), "%s", arg);
		} else if (parse_pci_addr(arg, pci, sizeof(pci))) {
			json_object_put(arr);
			return fail("check %s: neither an iopmem device (iopmemN) nor a PCI address (DDDD:BB:SS.F)",
				    arg);
		} else if (access(sysfs_path(path, "bus/pci/devices/%s", pci),
				  F_OK)) {
			json_object_put(arr);
			return fail("check %s: no such PCI device; 'lspci -D' lists them",
				    pci);
		} else if (iopmem_of_pci(pci, dev, sizeof(dev))) {
			dev[0] = '\0';
		}
		json_object_array_add(arr, check_json(pci, dev[0] ? dev : NULL,
						      peers, npeers));
	} else {
		char **names;
		int n;

		names = iopmem_names(&n);
		for (int i = 0; i < n; i++)
			if (!iopmem_pci(names[i], pci, sizeof(pci)))
				json_object_array_add(arr, check_json(pci,
					names[i], peers, npeers));
		free_names(names, n);
		if (!n)
			rc = fail("check: no iopmem device; give the PCI address of the device to check");
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(arr,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			print_check(json_object_array_get_idx(arr, i));
	json_object_put(arr);
	return rc;
}
