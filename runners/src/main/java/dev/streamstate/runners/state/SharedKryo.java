package dev.streamstate.runners.state;

import java.io.Serializable;
import org.apache.spark.SparkEnv;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;

/**
 * Kryo for our shuffles, one per JVM and Spark environment. A shuffle's serializer travels with
 * each of its tasks, and a {@link KryoSerializer} deserialized with a task starts with an empty
 * pool: every task built a new Kryo instance (registering Scala's and Spark's classes), a quarter
 * of the executors' time in a batch of a few records. This one carries nothing but its class and
 * hands every task the pooled serializer of the JVM's Spark environment, made from that
 * environment's configuration (a new environment, a new Spark context in the same JVM, gets a new
 * one).
 */
final class SharedKryo extends Serializer implements Serializable {
  private static final long serialVersionUID = 1L;

  private static SparkEnv environment;
  private static KryoSerializer kryo;

  private static synchronized KryoSerializer kryo() {
    SparkEnv current = SparkEnv.get();
    if (kryo == null || current != environment) {
      environment = current;
      kryo = new KryoSerializer(current.conf());
    }
    return kryo;
  }

  @Override
  public SerializerInstance newInstance() {
    return kryo().newInstance();
  }

  @Override
  public boolean supportsRelocationOfSerializedObjects() {
    return kryo().supportsRelocationOfSerializedObjects();
  }
}
