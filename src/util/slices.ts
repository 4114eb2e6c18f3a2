/**
 * Work that may take longer than a lookup should wait, written as a generator that yields where it
 * may pause: run at once (`runToEnd`), or across turns of the event loop (`runInSlices`) so that
 * what arrived meanwhile (route lookups) is served between the slices.
 */

/**
 * What a step yields: nothing (it may pause here), or a promise it must wait for (what it works on
 * is still arriving; only `runInSlices` can wait). The promise must not reject: the step learns
 * the outcome when it resumes.
 */
export type Pause = void | Promise<void>;

/** Runs `steps` without pausing. */
export function runToEnd<T>(steps: Generator<Pause, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (step.value) throw new Error('work run in one go cannot wait for what is still arriving');
  }
}

/** Runs `steps`, letting the event loop serve what waits at each pause. */
export function runInSlices<T>(steps: Generator<Pause, T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const resume = () => {
      try {
        const step = steps.next();
        if (step.done) resolve(step.value);
        else if (step.value) void step.value.then(resume);
        else setImmediate(resume);
      } catch (err) {
        reject(err);
      }
    };
    resume();
  });
}

/**
 * Lists over every topic (a topic list, a cluster's topics) of this many names or more are made,
 * ordered and written in slices of `sliceMs`: 300,000 names take tens of ms.
 */
export const LARGE_LISTS = { fromNames: 50_000, sliceMs: 2 } as const;

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

/**
 * A pass over a list of `count` names (a topic list, a cluster's topics): at once below
 * LARGE_LISTS.fromNames, else in slices of LARGE_LISTS.sliceMs, lookups served in between.
 */
export function runListPass<T>(count: number, steps: (pause: PauseCheck) => Generator<Pause, T>): T | Promise<T> {
  return count < LARGE_LISTS.fromNames ? runToEnd(steps(NEVER_PAUSE)) : runInSlices(steps(pauseEvery(LARGE_LISTS.sliceMs)));
}
