package dev.streamstate.runners.kafka;

import java.lang.reflect.Method;
import java.util.Optional;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.kafka.common.TopicPartition;

/**
 * The {@link KafkaIO.Read} behind KafkaIO's unbounded source. Why reflection: the source class and
 * its {@code getSpec()} are package-private in Beam 2.70; the spec's getters are public. If a Beam
 * upgrade moves them, this fails at translation with one line saying so.
 */
final class KafkaSpec {
  private static final String SOURCE = "org.apache.beam.sdk.io.kafka.KafkaUnboundedSource";

  private KafkaSpec() {}

  /** Whether {@code source} is KafkaIO's. */
  static boolean isKafka(UnboundedSource<?, ?> source) {
    return source.getClass().getName().equals(SOURCE);
  }

  /**
   * Whether KafkaIO stamps the source's records with the time they are read (its default), so a
   * record read again gets another timestamp.
   */
  static boolean stampsWithReadTime(UnboundedSource<?, ?> source) {
    return of(source)
            .getTimestampPolicyFactory()
            .createTimestampPolicy(new TopicPartition("any", 0), Optional.empty())
        instanceof TimestampPolicyFactory.ProcessingTimePolicy;
  }

  static KafkaIO.Read<?, ?> of(UnboundedSource<?, ?> source) {
    try {
      Method spec = source.getClass().getDeclaredMethod("getSpec");
      spec.setAccessible(true);
      return (KafkaIO.Read<?, ?>) spec.invoke(source);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "StreamStateSparkRunner reads Kafka through Beam 2.70's "
              + SOURCE
              + ".getSpec(), which this Beam"
              + " does not have ("
              + e
              + "); run with --runner=SparkRunner or update dev.streamstate.runners.kafka",
          e);
    }
  }
}
