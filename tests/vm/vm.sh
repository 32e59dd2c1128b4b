# shellcheck shell=bash
# QEMU machine description and boot, shared by run-vm.sh, check.sh, demo.sh.
# Sourced, never run.
#
# A scenario declares its VM in comment lines at its top (before the first
# line that is not a comment):
#   # vm: ivshmem SIZE [addr=SS.F]   ivshmem-plain, BAR2 = SIZE (power of two),
#                                    backed by a sparse host file; repeatable.
#                                    Default when absent: ivshmem 512M addr=04.0
#   # vm: ivshmem none               no ivshmem device at all
#   # vm: nvme SIZE [addr=SS.F]      NVMe controller on a sparse raw image
#   # vm: device SPEC [key=val...]   any -device SPEC,key=val,...
#   # vm: mem SIZE                   guest RAM (default: the kernel's
#                                    mem in kernels.conf, else 1G)
#   # vm: smp N                      vCPUs (default 2, or IOPMEM_SMP)
#   # vm: timeout SECONDS            kill QEMU and fail after this (default 240;
#                                    times the kernel's slowdown, kernels.conf);
#                                    bounds host hooks too
#   # vm: machine pc|q35             default pc (i440fx)
#   # vm: cmdline ARGS...            extra kernel command line (after the
#                                    kernel's own, kernels.conf cmdline)
#   # vm: boots N                    boot N guests one after another on the
#                                    same backing files; each sees PHASE=k.
#                                    A guest line "IOPMEM-RIG: KILL" makes
#                                    the host SIGKILL QEMU (a power cut);
#                                    "IOPMEM-RIG: WIPE" makes it punch
#                                    the BAR files empty (init.sh, between
#                                    the scenarios of a shared guest);
#                                    "IOPMEM-RIG: QMP <json>" sends a QMP
#                                    command to QEMU (hot-plug); @BAR0_FILE@
#                                    in it is the host path of BAR0's file
#   # vm: qemu ARGS...               extra raw QEMU arguments (word-split)
#   # vm: solo                       never share a guest with another
#                                    scenario (check.sh shares guests
#                                    between scenarios with the same VM
#                                    and no hooks): hot-plug, power cuts
#   # vm: kernel-warns FUNCTION      the kernel itself WARNs in FUNCTION in
#                                    this scenario (a stock kernel's own
#                                    check, say why next to it): the rig
#                                    fails the scenario if that warning does
#                                    not appear, and does not hold that one
#                                    report (and its W taint) against it
#   # vm: lockdep-known LOCK1 LOCK2  a kernel lockdep report of a circular
#                                    dependency between these two lock
#                                    classes is the kernel's own known
#                                    bug, not held against the scenario
#                                    (it may or may not appear; say which
#                                    bug next to it)
# Host files are exported to hooks as BAR0_FILE, BAR1_FILE, ... (order of the
# ivshmem lines) and NVME0_IMG, NVME1_IMG, ...

# shellcheck source=tests/vm/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

VM_DEFAULT_TIMEOUT=240

# _vm_size_ok SIZE : a QEMU/truncate size such as 64M, 1G, 4096.
_vm_size_ok() { [[ $1 =~ ^[0-9]+[KMGT]?$ ]]; }

# _vm_opts WORD... : "key=val" words to ",key=val,..."; rejects other words.
_vm_opts() {
	local w s=
	for w in "$@"; do
		[[ $w == *=* ]] || return 1
		s+=",$w"
	done
	printf '%s' "$s"
}

# vm_parse FILE : read the "# vm:" header into VM_* variables.
vm_parse() {
	local file=$1 line kw
	local -a words
	VM_MEM=${KMEM:-1G} VM_SMP=${IOPMEM_SMP:-2} VM_TIMEOUT=$VM_DEFAULT_TIMEOUT
	VM_MACHINE=pc VM_CMDLINE=${KCMDLINE:+ $KCMDLINE} VM_QEMU_EXTRA=() VM_BOOTS=1
	VM_BARS=() VM_NVMES=() VM_DEVICES=() VM_KERNEL_WARNS=() VM_LOCKDEP_KNOWN=() VM_SOLO=0
	local no_bar=0
	while IFS= read -r line; do
		[[ $line == '#!'* || -z $line ]] && continue
		[[ $line == '#'* ]] || break
		[[ $line =~ ^#[[:space:]]*vm:[[:space:]]*(.*)$ ]] || continue
		read -ra words <<<"${BASH_REMATCH[1]}"
		kw=${words[0]-}
		local bad="$file: bad VM header line '$line'"
		case $kw in
		ivshmem)
			if [[ ${words[1]-} == none ]]; then
				no_bar=1
				continue
			fi
			_vm_size_ok "${words[1]-}" || die "$bad: want 'ivshmem SIZE [addr=SS.F]'"
			_vm_opts "${words[@]:2}" >/dev/null || die "$bad: options must be key=value"
			VM_BARS+=("${words[*]:1}")
			;;
		nvme)
			_vm_size_ok "${words[1]-}" || die "$bad: want 'nvme SIZE [addr=SS.F]'"
			_vm_opts "${words[@]:2}" >/dev/null || die "$bad: options must be key=value"
			VM_NVMES+=("${words[*]:1}")
			;;
		device)
			[[ -n ${words[1]-} ]] || die "$bad: want 'device SPEC [key=val...]'"
			_vm_opts "${words[@]:2}" >/dev/null || die "$bad: options must be key=value"
			VM_DEVICES+=("${words[1]}$(_vm_opts "${words[@]:2}")")
			;;
		mem)
			_vm_size_ok "${words[1]-}" || die "$bad: want 'mem SIZE' (e.g. 4G)"
			VM_MEM=${words[1]}
			;;
		smp)
			[[ ${words[1]-} =~ ^[1-9][0-9]*$ ]] || die "$bad: want 'smp N'"
			VM_SMP=${words[1]}
			;;
		timeout)
			[[ ${words[1]-} =~ ^[1-9][0-9]*$ ]] || die "$bad: want 'timeout SECONDS'"
			VM_TIMEOUT=${words[1]}
			;;
		machine)
			[[ ${words[1]-} == pc || ${words[1]-} == q35 ]] || die "$bad: want 'machine pc' or 'machine q35'"
			VM_MACHINE=${words[1]}
			;;
		boots)
			[[ ${words[1]-} =~ ^[1-9][0-9]?$ ]] || die "$bad: want 'boots N' (1 to 99)"
			VM_BOOTS=${words[1]}
			;;
		kernel-warns)
			[[ ${words[1]-} =~ ^[A-Za-z_][A-Za-z0-9_.]*$ ]] || die "$bad: want 'kernel-warns FUNCTION'"
			VM_KERNEL_WARNS+=("${words[1]}")
			;;
		lockdep-known)
			[[ ${words[1]-} =~ ^[A-Za-z0-9_\&.\>-]+$ && ${words[2]-} =~ ^[A-Za-z0-9_\&.\>-]+$ ]] ||
				die "$bad: want 'lockdep-known LOCK1 LOCK2' (lock class names as lockdep prints them)"
			VM_LOCKDEP_KNOWN+=("${words[1]} ${words[2]}")
			;;
		solo) VM_SOLO=1 ;;
		cmdline) VM_CMDLINE+=" ${words[*]:1}" ;;
		qemu) VM_QEMU_EXTRA+=("${words[@]:1}") ;;
		*) die "$bad: unknown keyword '$kw' (see tests/vm/vm.sh)" ;;
		esac
	done <"$file"
	if ((${#VM_BARS[@]} == 0 && !no_bar)); then
		VM_BARS=("512M addr=04.0")
	fi
	# A debug kernel runs every guest slower (kernels.conf).
	VM_TIMEOUT=$((VM_TIMEOUT * ${KSLOWDOWN:-1}))
	return 0
}

# vm_prepare FILE DIR : parse FILE's header, create the backing files in DIR
# (sparse), write DIR/vm.env (exports for hooks) and set VM_DEV_ARGS and
# VM_BAR_DIR (where the BAR files are).
vm_prepare() {
	local file=$1 dir=$2 i spec size
	local -a w
	vm_parse "$file"
	mkdir -p "$dir"
	# The guest's kernel, for hooks that build against it (dkms).
	printf 'export KVER=%q KDIR=%q\n' "${KVER-}" "${KDIR-}" >"$dir/vm.env"
	VM_DEV_ARGS=()
	# Plain devices first: a root port must exist before what sits on it.
	for spec in "${VM_DEVICES[@]}"; do
		VM_DEV_ARGS+=(-device "$spec")
	done
	# IOPMEM_BAR_DIR puts the BAR backing files elsewhere (make bench: on
	# tmpfs), IOPMEM_BAR_PREALLOC=1 allocates them instead of leaving
	# them sparse.
	VM_BAR_DIR=${IOPMEM_BAR_DIR:-$dir}
	for i in "${!VM_BARS[@]}"; do
		read -ra w <<<"${VM_BARS[$i]}"
		size=${w[0]}
		local f=$VM_BAR_DIR/bar$i.img
		rm -f "$f"
		if [[ ${IOPMEM_BAR_PREALLOC:-0} == 1 ]]; then
			fallocate -l "$size" "$f"
		else
			truncate -s "$size" "$f"
		fi
		printf 'export BAR%d_FILE=%q\n' "$i" "$f" >>"$dir/vm.env"
		VM_DEV_ARGS+=(-object "memory-backend-file,id=bar$i,share=on,mem-path=$f,size=$size"
			-device "ivshmem-plain,memdev=bar$i$(_vm_opts "${w[@]:1}")")
	done
	for i in "${!VM_NVMES[@]}"; do
		read -ra w <<<"${VM_NVMES[$i]}"
		local f=$dir/nvme$i.img
		rm -f "$f"
		truncate -s "${w[0]}" "$f"
		printf 'export NVME%d_IMG=%q\n' "$i" "$f" >>"$dir/vm.env"
		VM_DEV_ARGS+=(-drive "file=$f,if=none,id=nvme$i,format=raw"
			-device "nvme,drive=nvme$i,serial=iopmem-nvme$i$(_vm_opts "${w[@]:1}")")
	done
}

# vm_accel_args : TCG by default. KVM only on request (IOPMEM_KVM=1): under
# the PVM hypervisor of the CI hosts a stock kernel hangs silently with KVM.
vm_accel_args() {
	if [[ ${IOPMEM_KVM:-0} == 1 ]]; then
		printf '%s\n' -accel kvm -cpu host
	else
		printf '%s\n' -accel tcg,thread=multi -cpu max
	fi
}

# vm_memcheck_args : kernel arguments for the memory checks a stock kernel
# has built in but off, on every boot: slub_debug=FZPU (slab consistency
# checks, red zones, poisoning, allocation owners; only P under KASAN),
# init_on_free=1 (freed memory reads as zeroes, not as the data it held),
# and KFENCE sampling
# where the kernel has KFENCE (Debian 6.12 ships it with sample_interval=0,
# i.e. off; Debian 6.1 lacks it). The selected kernel's KDIR/.config says.
# IOPMEM_MEMCHECK=0 leaves them out (make bench: they cost time).
vm_memcheck_args() {
	[[ ${IOPMEM_MEMCHECK:-1} == 0 ]] && return 0
	# On the KASAN kernel too: without init_on_free and slub's poisoning,
	# stale pointers in freed memory hide leaks from kmemleak (rig/selftest's
	# neg/kmemleak passed there without them).  Only the poisoning there:
	# KASAN's red zones, quarantine and alloc/free stacks report the bad
	# access itself, where slub_debug's F, Z and U find damage later; all
	# four cost ~4 s of host CPU per 7.2 boot.
	if grep -qx 'CONFIG_KASAN=y' "${KDIR:-/nonexistent}/.config" 2>/dev/null; then
		printf ' slub_debug=P'
	else
		printf ' slub_debug=FZPU'
	fi
	printf ' init_on_free=1'
	if grep -qx 'CONFIG_KFENCE=y' "${KDIR:-/nonexistent}/.config" 2>/dev/null; then
		printf ' kfence.sample_interval=10'
	fi
}

# VM_NO_THP : prefix that runs QEMU without transparent huge pages.  QEMU
# asks for them for guest RAM, and init_on_free touches all of it at boot:
# on these machines faulting in 2 MB pages cost 3-5 s of system time per
# 2G guest against 1 s with small pages, and the guest waited on it
# (Documentation/testing.rst).  prctl(PR_SET_THP_DISABLE) outlives exec;
# perl makes the system call (157 on x86_64), then becomes QEMU.
# shellcheck disable=SC2016 # perl's variables
VM_NO_THP=(perl -e 'syscall(157, 41, 1, 0, 0, 0) == 0 or die "prctl(PR_SET_THP_DISABLE): $! (an x86_64 host kernel of 3.15 or later has it)\n"; exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $! (install qemu-system-x86)\n"')

# vm_boot DIR KIMAGE INITRAMFS T : boot the prepared VM; the kernel console
# goes to DIR/console.log, the scenario channel (ttyS1) to DIR/guest.log.
# Returns QEMU's status; 124 means the timeout killed it.
vm_boot() {
	local dir=$1 kimage=$2 initrd=$3 t=$4 phase=${5:-1}
	local -a accel
	mapfile -t accel < <(vm_accel_args)
	need_cmd qemu-system-x86_64 qemu-system-x86
	rm -f "$dir/console.log" "$dir/guest.raw" "$dir/guest.log" "$dir/killed"
	local -a cmd=(
		qemu-system-x86_64 "${accel[@]}"
		-machine "$VM_MACHINE" -m "$VM_MEM" -smp "$VM_SMP"
		-nodefaults -display none -vga none -no-reboot
		-serial "file:$dir/console.log" -serial "file:$dir/guest.raw"
		-qmp "unix:$dir/qmp.sock,server=on,wait=off"
		-kernel "$kimage" -initrd "$initrd"
		# panic=-1: a panic reboots at once, and -no-reboot turns that
		# into a QEMU exit, instead of a hang until the timeout.
		# loglevel=5: the console shows KERN_WARNING and worse (WARN,
		# Oops, Call Trace), the only kernel log of a boot killed on
		# purpose; "quiet" (4) hid warnings.
		-append "console=ttyS0 loglevel=5 panic=-1$(vm_memcheck_args) T=$t PHASE=$phase SLOWDOWN=${KSLOWDOWN:-1}${VM_CMDLINE}"
		"${VM_DEV_ARGS[@]}" "${VM_QEMU_EXTRA[@]}"
	)
	# No scenario hot-plugs on the pc machine's root bus (unplug/ uses
	# q35 root ports). Without ACPI hotplug there the DSDT has no slot
	# objects: acpi_init took 3.8 s instead of 7.8 s on the debug kernel.
	[[ $VM_MACHINE == pc ]] && cmd+=(-global PIIX4_PM.acpi-root-pci-hotplug=off)
	printf '%q ' "${cmd[@]}" >"$dir/qemu.cmd"
	echo >>"$dir/qemu.cmd"
	local rc=0 pid
	timeout --kill-after=10 "$VM_TIMEOUT" "${VM_NO_THP[@]}" "${cmd[@]}" </dev/null >"$dir/qemu.out" 2>&1 &
	pid=$!
	# A guest line "IOPMEM-RIG: KILL" asks for a power cut: SIGKILL to
	# QEMU at once, as persistence tests need (DIR/killed records it).
	# A guest line "IOPMEM-RIG: QMP <json>" is sent to QEMU's monitor
	# (hot-plug tests); replies go to DIR/qmp.log.  The guest's lines are
	# read as they come, whole lines only: the guest may be writing the
	# last one as it is read, and a line sent half-written is a lost
	# command (seen: "...@BAR0_F").  No process per poll: a grep and a
	# perl every 0.2 s were ~2 minutes of CPU in a make check.
	local line partial='' fd=''
	: >"$dir/qmp.log"
	while kill -0 "$pid" 2>/dev/null; do
		[[ -z $fd && -f $dir/guest.raw ]] && exec {fd}<"$dir/guest.raw"
		while [[ -n $fd ]]; do
			if ! IFS= read -r -u "$fd" line; then
				# At the end of what the guest wrote so far; a part of
				# a line waits for the rest.
				partial+=$line
				break
			fi
			line=$partial$line partial=''
			line=${line%$'\r'}
			case $line in
			'IOPMEM-RIG: KILL'*)
				pkill -KILL -P "$pid" qemu-system 2>/dev/null
				touch "$dir/killed"
				break 2
				;;
			'IOPMEM-RIG: WIPE')
				# Between two scenarios of a shared guest (init.sh):
				# the BAR files as empty as a fresh guest's.
				local bar
				for bar in "$VM_BAR_DIR"/bar[0-9]*.img; do
					[[ -f $bar ]] && fallocate --punch-hole --offset 0 \
						--length "$(stat -c %s "$bar")" "$bar"
				done
				;;
			'IOPMEM-RIG: QMP '*)
				# @BARn_FILE@ stands for the host path of that BAR's file.
				line=${line#IOPMEM-RIG: QMP }
				line=${line//@BAR0_FILE@/$VM_BAR_DIR/bar0.img}
				echo "> $line" >>"$dir/qmp.log"
				# check.sh fails the boot on a "! " line.
				"$RIG_DIR/qmp.py" "$dir/qmp.sock" "$line" >>"$dir/qmp.log" 2>&1 ||
					echo "! QEMU refused: $line" >>"$dir/qmp.log"
				;;
			esac
		done
		sleep 0.2
	done
	[[ -n $fd ]] && exec {fd}<&-
	wait "$pid" || rc=$?
	[[ -f $dir/killed ]] && rc=0
	# The guest's serial line ends lines with CR LF.
	[[ -f $dir/guest.raw ]] && tr -d '\r' <"$dir/guest.raw" >"$dir/guest.log"
	touch "$dir/guest.log" "$dir/console.log"
	return "$rc"
}
