/**
 * Polls an observable condition until it holds, for the few behaviours that announce nothing (a
 * client's periodic refresh, say). No deadline of its own: the test runner's timeout bounds a test.
 */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 5));
}
