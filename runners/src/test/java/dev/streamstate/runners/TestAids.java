package dev.streamstate.runners;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.spark.SparkConf;

/** What the runner's unit tests share: Spark's own copies of objects, and a local Spark. */
public final class TestAids {
  private TestAids() {}

  /**
   * {@code object} after Java serialization, as Spark ships it to a task or reads it from a
   * checkpoint.
   */
  @SuppressWarnings("unchecked")
  public static <T extends Serializable> T copy(T object)
      throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  /**
   * One-core local Spark on the loopback address, without its web UI and without the plugins a test
   * before it in the JVM configured: {@code SparkStreaming} names the {@code WatermarkBarrier} in
   * the system property Spark reads its plugins from, and armed for Beam's runner it holds each
   * batch's tasks up to 30 s for watermarks a plain stream never advances.
   */
  public static SparkConf localSpark(String appName) {
    return new SparkConf()
        .remove("spark.plugins")
        .setMaster("local[1]")
        .setAppName(appName)
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.ui.enabled", "false");
  }
}
