package dev.streamstate.runners.state;

import static dev.streamstate.runners.TestAids.copy;
import static dev.streamstate.runners.TestAids.localSpark;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import org.apache.beam.runners.spark.util.ByteArray;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/**
 * Each task's copy of our shuffles' serializer uses the JVM's pooled Kryo of the running Spark
 * environment rather than a Kryo of its own, and a new environment gets a new one.
 */
class SharedKryoTest {

  @Test
  void everyCopyUsesTheKryoOfTheRunningSparkEnvironment() throws Exception {
    Object first;
    try (JavaSparkContext spark = new JavaSparkContext(localSpark("shared-kryo-test"))) {
      SharedKryo task1 = copy(new SharedKryo());
      SharedKryo task2 = copy(new SharedKryo());
      first = kryoOf(task1);
      assertSame(first, kryoOf(task2), "two tasks' copies share the pool");

      SerializerInstance instance = task1.newInstance();
      ByteArray key = new ByteArray(new byte[] {1, 2, 3});
      ByteBuffer bytes = instance.serialize(key, ClassTag$.MODULE$.apply(ByteArray.class));
      ByteArray back =
          task2.newInstance().deserialize(bytes, ClassTag$.MODULE$.apply(ByteArray.class));
      assertArrayEquals(key.getValue(), back.getValue());
    }
    try (JavaSparkContext spark = new JavaSparkContext(localSpark("shared-kryo-test"))) {
      assertNotSame(first, kryoOf(copy(new SharedKryo())), "a new Spark environment, a new Kryo");
    }
  }

  /** The KryoSerializer (the owner of the pool) behind the instances a copy hands out. */
  private static Object kryoOf(SharedKryo serializer) throws ReflectiveOperationException {
    SerializerInstance instance = serializer.newInstance();
    Field owner = instance.getClass().getDeclaredField("ks");
    owner.setAccessible(true);
    return owner.get(instance);
  }
}
