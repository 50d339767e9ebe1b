package dev.streamstate.pipelines;

import org.joda.time.Duration;

/** Reads the {@code …Seconds} options: whole seconds, checked with a message naming the option. */
final class Seconds {
  private Seconds() {}

  static Duration positive(String option, long seconds) {
    if (seconds <= 0) {
      throw new IllegalArgumentException(
          "--" + option + " must be a positive whole number of seconds, got " + seconds);
    }
    return Duration.standardSeconds(seconds);
  }

  static Duration nonNegative(String option, long seconds) {
    if (seconds < 0) {
      throw new IllegalArgumentException(
          "--" + option + " must be zero or a positive whole number of seconds, got " + seconds);
    }
    return Duration.standardSeconds(seconds);
  }
}
