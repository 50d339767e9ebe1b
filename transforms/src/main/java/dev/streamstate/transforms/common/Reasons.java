package dev.streamstate.transforms.common;

/**
 * How a parser's reason shows the offending text: quoted and cut short. A dead letter carries the
 * whole record already, so a reason stays one short line even for a record of megabytes.
 */
public final class Reasons {
  private static final int SHOWN = 40;

  private Reasons() {}

  /** The text cut to {@value #SHOWN} characters, marked with … where it was cut. */
  public static String abbreviate(String text) {
    return text.length() > SHOWN ? text.substring(0, SHOWN) + "…" : text;
  }

  /** The text abbreviated and in single quotes, e.g. {@code 'ten'}. */
  public static String quote(String text) {
    return "'" + abbreviate(text) + "'";
  }
}
