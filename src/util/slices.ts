/**
 * Work that may take longer than a lookup should wait, written as a generator that yields where it
 * may pause: run at once (`runToEnd`), or across turns of the event loop (`runInSlices`) so that
 * what arrived meanwhile (route lookups) is served between the slices.
 */

/** Runs `steps` without pausing. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs `steps`, letting the event loop serve what waits at each pause. */
export function runInSlices<T>(steps: Generator<void, T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const resume = () => {
      try {
        const step = steps.next();
        if (step.done) resolve(step.value);
        else setImmediate(resume);
      } catch (err) {
        reject(err);
      }
    };
    resume();
  });
}

/** Asked by a generator after `units` of its work (1 when left out): whether to yield now. */
export type PauseCheck = (units?: number) => boolean;

/** Never pauses: the work runs in one go. */
export const NEVER_PAUSE: PauseCheck = () => false;

/**
 * Pauses once `sliceMs` have passed since the slice began (a slice begins when the check first
 * runs after a pause). The clock is read once per `unitsPerClockRead` units of work, as reading it
 * costs more than a unit of the work it bounds.
 */
export function pauseEvery(sliceMs: number, unitsPerClockRead = 1024): PauseCheck {
  let sliceEnd = -1;
  let units = 0;
  return (done = 1) => {
    if (sliceEnd < 0) sliceEnd = performance.now() + sliceMs;
    units += done;
    if (units < unitsPerClockRead) return false;
    units = 0;
    if (performance.now() < sliceEnd) return false;
    sliceEnd = -1;
    return true;
  };
}
