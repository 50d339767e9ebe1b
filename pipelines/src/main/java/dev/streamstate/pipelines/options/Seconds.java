package dev.streamstate.pipelines.options;

import org.joda.time.Duration;

/** Reads the {@code …Seconds} options: whole seconds, checked with a message naming the option. */
public final class Seconds {
  private Seconds() {}

  public static Duration positive(String option, long seconds) {
    if (seconds <= 0) {
      throw new IllegalArgumentException(
          "--" + option + " must be a positive whole number of seconds, got " + seconds);
    }
    return Duration.standardSeconds(seconds);
  }

  public static Duration nonNegative(String option, long seconds) {
    if (seconds < 0) {
      throw new IllegalArgumentException(
          "--" + option + " must be zero or a positive whole number of seconds, got " + seconds);
    }
    return Duration.standardSeconds(seconds);
  }
}
