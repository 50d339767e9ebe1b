package dev.streamstate.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where Cassandra is, for every pipeline and command that reads or writes it. */
public interface CassandraOptions extends PipelineOptions {
  @Description("Cassandra host")
  @Default.String("127.0.0.1")
  String getCassandraHost();

  void setCassandraHost(String cassandraHost);

  @Description("Cassandra CQL port")
  @Default.Integer(9042)
  int getCassandraPort();

  void setCassandraPort(int cassandraPort);

  @Description(
      "How long a write Cassandra does not take is retried, with growing pauses, before the"
          + " pipeline stops with an error (it never drops a result)")
  @Default.Long(60)
  long getCassandraRetrySeconds();

  void setCassandraRetrySeconds(long cassandraRetrySeconds);
}
