package dev.streamstate.pipelines.options;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Reads an option that names one of an enum's constants, written in lower case with dashes. */
public final class Choices {
  private Choices() {}

  /** The constant {@code value} names, or a message listing the choices. */
  public static <E extends Enum<E>> E named(E[] choices, String option, String value) {
    for (E choice : choices) {
      if (optionValue(choice).equalsIgnoreCase(value)) {
        return choice;
      }
    }
    throw new IllegalArgumentException(
        "--"
            + option
            + " must be one of "
            + Arrays.stream(choices).map(Choices::optionValue).collect(Collectors.joining(", "))
            + "; got '"
            + value
            + "'");
  }

  private static String optionValue(Enum<?> choice) {
    return choice.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
