package dev.streamstate.runners.state;

import org.apache.beam.runners.core.StatefulDoFnRunner;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The window garbage collection of a stateful DoFn in the global window, which is none: Beam
 * collects a window's state with an event-time timer at the window's end plus the allowed
 * lateness, and the global window never ends while a stream runs. Registering that timer anyway
 * would give every key a timer forever, so no idle key could ever be dropped. Windows that do end
 * are refused by the translation (see {@link IndexedStatefulParDoEvaluator}).
 */
final class NoWindowCleanup<InputT, W extends BoundedWindow>
    implements StatefulDoFnRunner.CleanupTimer<InputT>, StatefulDoFnRunner.StateCleaner<W> {

  @Override
  public void setForWindow(InputT input, BoundedWindow window) {}

  @Override
  public boolean isForWindow(
      String timerId, BoundedWindow window, Instant timestamp, TimeDomain timeDomain) {
    return false;
  }

  @Override
  public void clearForWindow(W window) {}
}
