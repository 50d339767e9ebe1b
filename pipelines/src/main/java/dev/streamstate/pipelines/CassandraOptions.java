package dev.streamstate.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Where Cassandra is and who we are there, for every pipeline and command that reads or writes
 * it. The password is never an option (Beam prints options and ships them with the job): it is
 * read from a file where each client is made.
 */
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

  @Description("Cassandra user to log in as (with --cassandraPasswordFile); none: no login")
  String getCassandraUsername();

  void setCassandraUsername(String cassandraUsername);

  @Description(
      "File holding the password of --cassandraUsername (its first line); read where each client is"
          + " made, so it must be at this path on every machine the job runs on")
  String getCassandraPasswordFile();

  void setCassandraPasswordFile(String cassandraPasswordFile);
}
