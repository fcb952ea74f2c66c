/** A poll loop's pause between rounds that `wake()` ends at once (new work is due, or the loop stops). */
export class PollPause {
  private wakeUp?: () => void;

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wake(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
    });
  }

  wake(): void {
    this.wakeUp?.();
  }
}
