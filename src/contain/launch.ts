// How the Linux backend starts a contained command: one small program that makes the namespaces,
// the mounts and the command's own locked view, runs the command, and reports on descriptor 4
// ("ready <pid>", "done <exit code>", or "fail <step> <detail>"), then waits on descriptor 3 until
// the wrapper has read the layers. Every program started costs milliseconds on each agent
// command, so it is one perl process making the system calls itself (perl is part of every
// Debian and Ubuntu base system); without perl, util-linux's unshare and mount with a sh script.
import type { RunSpec } from './backend.js';
import { keptFlags, type Mount } from './mounts.js';

export interface Ids {
  uid: number;
  gid: number;
}

/**
 * overlayfs splits its options on `,` and its layer lists on `:`; both are escaped with `\`.
 * `volatile`: unmounting does not sync the whole file system the layer is on (which costs tens of
 * milliseconds whenever anything else writes); what the command wrote reaches the disk as any
 * program's writes do, after it is applied.
 */
function overlayPath(path: string): string {
  return path.replace(/[\\,:]/g, (c) => `\\${c}`);
}

export function overlayOptions(place: RunSpec['layered'][number]): string {
  return `userxattr,volatile,lowerdir=${overlayPath(place.root)},upperdir=${overlayPath(place.upper)},workdir=${overlayPath(place.work)}`;
}

/** unshare(2), mount(2) and prctl(2) by machine: x86-64, 32-bit x86 and ARM, and the generic table. */
const SYSCALLS: Record<string, [number, number, number]> = {
  x64: [272, 165, 157],
  ia32: [310, 21, 172],
  arm: [337, 21, 172],
  arm64: [97, 40, 167],
  riscv64: [97, 40, 167],
  loong64: [97, 40, 167],
};

export function syscallNumbers(arch: string): [number, number, number] | undefined {
  return SYSCALLS[arch];
}

/*
 * The perl launcher. Arguments: the three syscall numbers, then tagged settings up to `--`
 * (w <writable dir>, p <pinned dir>, r <mount point> <flags>, o <overlay target> <options>,
 * h <hidden dir>, c <cwd>), then the command. Flags: CLONE_NEWUSER 0x10000000, CLONE_NEWNS 0x20000,
 * CLONE_NEWPID 0x20000000; MS_RDONLY 1, MS_REMOUNT 32, MS_BIND 4096, MS_REC 16384, MS_PRIVATE
 * 1<<18; PR_SET_PDEATHSIG 1; F_SETFD 2, FD_CLOEXEC 1 (no modules: each costs a file read at start).
 * Neither process keeps the wrapper's standard streams once the command has ended, so whoever reads
 * them sees their end when the wrapper exits, not when the namespaces have been torn down.
 */
const PERL = `
my ($unshare, $mount, $prctl) = splice(@ARGV, 0, 3);
my (@writable, @pinned, @readonly, @overlay, @hidden, $cwd);
while (@ARGV) {
  my $tag = shift @ARGV;
  last if $tag eq '--';
  if ($tag eq 'w') { push @writable, shift @ARGV }
  elsif ($tag eq 'p') { push @pinned, shift @ARGV }
  elsif ($tag eq 'r') { push @readonly, [splice(@ARGV, 0, 2)] }
  elsif ($tag eq 'o') { push @overlay, [splice(@ARGV, 0, 2)] }
  elsif ($tag eq 'h') { push @hidden, shift @ARGV }
  elsif ($tag eq 'c') { $cwd = shift @ARGV }
}
open(my $report, '>&=', 4) or exit 111;
open(my $control, '<&=', 3) or exit 111;
fcntl($report, 2, 1);
fcntl($control, 2, 1);
sub say_ { syswrite($report, "$_[0]\\n") }
sub fail { say_("fail $_[0] $!"); exit 111 }
sub put { my $f; open($f, '>', $_[0]) or return 0; print $f $_[1]; close($f) }
sub mnt { my ($from, $to, $type, $flags, $data) = @_; syscall($mount, $from, $to, $type, $flags + 0, $data) == 0 }
my ($uid, $gid) = ($<, (split ' ', $()[0]);
syscall($prctl, 1, 9, 0, 0, 0);
syscall($unshare, 0x10000000 | 0x20000 | 0x20000000) == 0 or fail('namespace');
put('/proc/self/setgroups', 'deny');
put('/proc/self/uid_map', "0 $uid 1") or fail('namespace');
put('/proc/self/gid_map', "0 $gid 1") or fail('namespace');
$SIG{$_} = 'IGNORE' for qw(INT QUIT TERM HUP);
my $init = fork();
fail('namespace') unless defined $init;
if ($init) { close(STDIN); close(STDOUT); close(STDERR); waitpid($init, 0); exit($? >> 8) }
syscall($prctl, 1, 9, 0, 0, 0);
open(my $stat, '<', '/proc/self/stat') or fail('proc');
my ($host) = split(' ', scalar <$stat>);
close($stat);
mnt(0, '/', 0, 0x40000 | 0x4000, 0) or fail('private');
for my $dir (@writable) { mnt($dir, $dir, 0, 0x1000 | 0x4000, 0) or fail('writable') }
for my $dir (@pinned) { mnt($dir, $dir, 0, 0x1000 | 0x4000, 0) or fail('pin') }
for my $o (@overlay) { mnt('overlay', $o->[0], 'overlay', 0, $o->[1]) or fail('overlay') }
for my $ro (@readonly) { mnt(0, $ro->[0], 0, 0x20 | 0x1000 | 1 | $ro->[1], 0) or fail('read-only') }
mnt('proc', '/proc', 'proc', 2 | 4 | 8, 0) or fail('proc');
for my $h (@hidden) { mnt('tmpfs', $h, 'tmpfs', 1, 'size=4k,mode=0') or fail('hide') }
chdir($cwd) or fail('cwd');
say_("ready $host");
my $child = fork();
fail('fork') unless defined $child;
if (!$child) {
  $SIG{$_} = 'DEFAULT' for qw(INT QUIT TERM HUP);
  syscall($unshare, 0x10000000 | 0x20000) == 0 or die "agentpolicy: cannot lock the view: $!\\n";
  put('/proc/self/setgroups', 'deny');
  put('/proc/self/uid_map', "$uid 0 1") or die "agentpolicy: cannot map the user: $!\\n";
  put('/proc/self/gid_map', "$gid 0 1") or die "agentpolicy: cannot map the group: $!\\n";
  { no warnings; exec { $ARGV[0] } @ARGV; }
  print STDERR "agentpolicy: cannot run $ARGV[0]: $!\\n";
  exit(($! + 0) == 2 ? 127 : 126);
}
my $status = 1;
while ((my $pid = waitpid(-1, 0)) > 0) {
  next unless $pid == $child;
  $status = ($? & 127) ? 128 + ($? & 127) : ($? >> 8);
  last;
}
kill('KILL', -1);
1 while waitpid(-1, 0) > 0;
close(STDIN); close(STDOUT); close(STDERR);
say_("done $status");
sysread($control, my $end, 1);
exit 0;
`;

export function perlLaunch(
  perl: string,
  numbers: [number, number, number],
  spec: RunSpec,
  readOnly: Mount[],
  pinned: string[],
): string[] {
  const settings = [
    ...spec.writable.flatMap((dir) => ['w', dir]),
    ...pinned.flatMap((dir) => ['p', dir]),
    ...readOnly.flatMap((mount) => ['r', mount.point, String(keptFlags(mount))]),
    ...spec.layered.flatMap((place) => ['o', place.root, overlayOptions(place)]),
    ...spec.hidden.flatMap((dir) => ['h', dir]),
    'c',
    spec.cwd,
  ];
  return [perl, '-e', PERL, ...numbers.map(String), ...settings, '--', ...spec.argv];
}

/** A word for sh, in single quotes. */
export function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The sh launcher: PID 1 of util-linux's `unshare --pid --fork`; the command's argv follows as "$@". */
export function shellScript(spec: RunSpec, readOnly: Mount[], pinned: string[], ids: Ids): string {
  return [
    'fail() { echo "fail $1" >&4; exit 111; }',
    // /proc is still the outer one here: its "self" is this process as the wrapper sees it.
    'read -r p _ < /proc/self/stat',
    ...spec.writable.map((dir) => `mount --rbind ${quote(dir)} ${quote(dir)} 2>&4 || fail writable`),
    ...pinned.map((dir) => `mount --rbind ${quote(dir)} ${quote(dir)} 2>&4 || fail pin`),
    // The overlays before the read-only remounts: each keeps its own writable handle on its upper layer.
    ...spec.layered.map(
      (place) =>
        `mount -t overlay overlay -o ${quote(overlayOptions(place))} ${quote(place.root)} 2>&4 || fail overlay`,
    ),
    ...readOnly.map((mount) => `mount -o remount,bind,ro ${quote(mount.point)} 2>&4 || fail read-only`),
    'mount -t proc proc /proc 2>&4 || fail proc',
    ...spec.hidden.map((dir) => `mount -t tmpfs -o ro,size=4k,mode=0 tmpfs ${quote(dir)} 2>&4 || fail hide`),
    // The working directory again, by name: the old one is the real directory under the overlay.
    `cd ${quote(spec.cwd)} 2>&4 || fail cwd`,
    'echo "ready $p" >&4',
    `unshare -U --map-user=${ids.uid} --map-group=${ids.gid} --mount -- "$@" 3<&- 4>&-`,
    's=$?',
    'kill -9 -1 2>/dev/null',
    'echo "done $s" >&4',
    'read -r _ <&3',
  ].join('\n');
}

export function shellLaunch(
  setpriv: string | undefined,
  spec: RunSpec,
  readOnly: Mount[],
  pinned: string[],
  ids: Ids,
): string[] {
  // If the wrapper dies, the namespace dies with it (setpriv keeps the parent-death signal across
  // the exec of unshare; --kill-child passes it on to PID 1).
  return [
    ...(setpriv ? [setpriv, '--pdeathsig', 'KILL'] : []),
    'unshare',
    '--user',
    '--map-root-user',
    '--mount',
    '--pid',
    '--fork',
    '--kill-child',
    'sh',
    '-c',
    shellScript(spec, readOnly, pinned, ids),
    'agentpolicy-contain',
    ...spec.argv,
  ];
}
