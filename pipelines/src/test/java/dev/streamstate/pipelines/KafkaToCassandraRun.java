package dev.streamstate.pipelines;

import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.pipelines.cli.StreamState;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.spark.SparkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Options for a pipeline run on a Spark runner (local[2]) from a Kafka topic into Cassandra. */
final class KafkaToCassandraRun {
  private KafkaToCassandraRun() {}

  /** Beam's translation ({@code SparkRunner}) or ours ({@code StreamStateSparkRunner}). */
  static <O extends StreamStateOptions> O options(
      String runner,
      PipelineSpec<O> spec,
      EmbeddedKafka kafka,
      String topic,
      EmbeddedCassandra cassandra,
      String... more) {
    List<String> args = new ArrayList<>(List.of("--runner=" + runner));
    args.addAll(kafkaToCassandra(kafka, topic, cassandra));
    args.addAll(List.of(more));
    O options =
        PipelineOptionsFactory.fromArgs(
                StreamState.withDefaults(args.toArray(String[]::new), spec.defaults()))
            .as(spec.optionsType());
    options.as(SparkPipelineOptions.class).setSparkMaster("local[2]");
    return options;
  }

  /** The options that read {@code topic} from the beginning and write to Cassandra. */
  static List<String> kafkaToCassandra(
      EmbeddedKafka kafka, String topic, EmbeddedCassandra cassandra) {
    return List.of(
        "--source=kafka",
        "--bootstrapServers=" + kafka.bootstrapServers(),
        "--topic=" + topic,
        "--offsetReset=earliest",
        "--sink=cassandra",
        "--cassandraHosts=" + cassandra.host(),
        "--cassandraPort=" + cassandra.port());
  }
}
