/**
 * Whether `pid` is a running process, for files named after the process that made them: a process
 * of another user counts as running (signalling it is refused, not unknown).
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
