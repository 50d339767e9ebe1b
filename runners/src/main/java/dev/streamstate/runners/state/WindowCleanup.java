package dev.streamstate.runners.state;

import org.apache.beam.runners.core.StatefulDoFnRunner;
import org.apache.beam.runners.core.StatefulDoFnRunner.StateInternalsStateCleaner;
import org.apache.beam.runners.core.StatefulDoFnRunner.TimeInternalsCleanupTimer;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * The window collection of a stateful DoFn, Beam's own (an event-time timer at the window's end
 * plus the allowed lateness, which calls {@code @OnWindowExpiration} and clears the window's
 * state), acting on the key {@code step} is processing.
 *
 * <p>Or none, for a DoFn in the global window without {@code @OnWindowExpiration}: that window
 * never ends while a stream runs, and the timer would keep every key alive forever, so no idle key
 * could ever be dropped.
 */
final class WindowCleanup<InputT>
    implements StatefulDoFnRunner.CleanupTimer<InputT>,
        StatefulDoFnRunner.StateCleaner<BoundedWindow> {

  private final boolean collects;
  private final DoFn<?, ?> doFn;
  private final WindowingStrategy<?, ?> windowing;
  private final StepContext step;

  WindowCleanup(
      boolean collects, DoFn<?, ?> doFn, WindowingStrategy<?, ?> windowing, StepContext step) {
    this.collects = collects;
    this.doFn = doFn;
    this.windowing = windowing;
    this.step = step;
  }

  @Override
  public void setForWindow(InputT input, BoundedWindow window) {
    if (collects) {
      new TimeInternalsCleanupTimer<InputT>(step.timerInternals(), windowing)
          .setForWindow(input, window);
    }
  }

  @Override
  public boolean isForWindow(
      String timerId, BoundedWindow window, Instant timestamp, TimeDomain timeDomain) {
    return collects
        && new TimeInternalsCleanupTimer<InputT>(step.timerInternals(), windowing)
            .isForWindow(timerId, window, timestamp, timeDomain);
  }

  @Override
  public void clearForWindow(BoundedWindow window) {
    if (collects) {
      @SuppressWarnings("unchecked")
      Coder<BoundedWindow> windowCoder =
          (Coder<BoundedWindow>) windowing.getWindowFn().windowCoder();
      new StateInternalsStateCleaner<>(doFn, step.stateInternals(), windowCoder)
          .clearForWindow(window);
    }
  }
}
