// Loaded into every Node process of a benched build through NODE_OPTIONS=--import: at exit, appends
// "pid role cpu_us" to $RUDDERVIRT_BENCH_CPU_FILE — this process's own user+system CPU
// (process.cpuUsage, RUSAGE_SELF: all its threads, none of its children), so QEMU and qemu-img
// are not counted. Role: "keeper" for a process holding a detached VM, else "cli".
import { appendFileSync } from 'node:fs';

const file = process.env.RUDDERVIRT_BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    const role = process.argv.some((a) => a.startsWith('--ruddervirt-vm-keeper')) ? 'keeper' : 'cli';
    appendFileSync(file, `${process.pid} ${role} ${user + system}\n`);
  });
}
