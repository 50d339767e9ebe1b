package dev.streamstate.testing;

/**
 * Spark listeners that every Spark context started in this JVM makes from the {@code
 * spark.extraListeners} property: how test aids hear the jobs and tasks of pipelines they do not
 * start themselves.
 */
final class ExtraListeners {
  private static final String PROPERTY = "spark.extraListeners";

  private ExtraListeners() {}

  /**
   * Adds {@code listener} to the property unless it is there, and returns the property's value
   * before (null where unset), for {@link #restore}.
   */
  static synchronized String add(Class<?> listener) {
    String before = System.getProperty(PROPERTY);
    if (before == null || before.isEmpty()) {
      System.setProperty(PROPERTY, listener.getName());
    } else if (!before.contains(listener.getName())) {
      System.setProperty(PROPERTY, before + "," + listener.getName());
    }
    return before;
  }

  /** Sets the property back to {@code before}, a value {@link #add} returned. */
  static synchronized void restore(String before) {
    if (before == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, before);
    }
  }
}
