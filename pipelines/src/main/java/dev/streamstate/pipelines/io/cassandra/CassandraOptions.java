package dev.streamstate.pipelines.io.cassandra;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Where Cassandra is and how we talk to it, for every pipeline and command that reads or writes it.
 * Secrets are never options (Beam prints options and ships them with the job): the password and the
 * truststore's password are read from files where each client is made.
 */
public interface CassandraOptions extends PipelineOptions {
  @Description(
      "Cassandra contact points, comma-separated host names or addresses (all on --cassandraPort)")
  @Default.String("127.0.0.1")
  String getCassandraHosts();

  void setCassandraHosts(String cassandraHosts);

  @Description("Cassandra CQL port")
  @Default.Integer(9042)
  int getCassandraPort();

  void setCassandraPort(int cassandraPort);

  @Description(
      "Datacenter whose nodes the clients use (the others only if it is down); none: the"
          + " datacenter of the first contact point that answers")
  String getCassandraLocalDc();

  void setCassandraLocalDc(String cassandraLocalDc);

  @Description(
      "Consistency level of every read and write, e.g. LOCAL_QUORUM, LOCAL_ONE, QUORUM, EACH_QUORUM")
  @Default.String("LOCAL_QUORUM")
  String getCassandraConsistency();

  void setCassandraConsistency(String cassandraConsistency);

  @Description(
      "Truststore (PKCS12 or JKS) holding the certificate of the CA that signed the nodes' certificates;"
          + " given: the clients talk TLS. Read where each client is made, so it must be at this path on"
          + " every machine the job runs on")
  String getCassandraTruststore();

  void setCassandraTruststore(String cassandraTruststore);

  @Description(
      "File holding the password of --cassandraTruststore (its first line); none: a truststore without one")
  String getCassandraTruststorePasswordFile();

  void setCassandraTruststorePasswordFile(String cassandraTruststorePasswordFile);

  @Description("Cassandra user to log in as (with --cassandraPasswordFile); none: no login")
  String getCassandraUsername();

  void setCassandraUsername(String cassandraUsername);

  @Description(
      "File holding the password of --cassandraUsername (its first line); read where each client is"
          + " made, so it must be at this path on every machine the job runs on")
  String getCassandraPasswordFile();

  void setCassandraPasswordFile(String cassandraPasswordFile);

  @Description(
      "Create keyspace finances and the tables that are missing before the job starts (an existing"
          + " keyspace keeps its replication); without it, a missing table stops the job before it starts")
  @Default.Boolean(false)
  boolean getCreateSchema();

  void setCreateSchema(boolean createSchema);

  @Description(
      "Replication of the keyspace --createSchema creates, as DATACENTER:REPLICAS,... for"
          + " NetworkTopologyStrategy, e.g. dc1:3,dc2:3; none: one replica (SimpleStrategy), for a single"
          + " local node only")
  String getCassandraReplication();

  void setCassandraReplication(String cassandraReplication);

  @Description(
      "How long a write Cassandra does not take is retried, with growing pauses, before the"
          + " pipeline stops with an error (it never drops a result)")
  @Default.Long(60)
  long getCassandraRetrySeconds();

  void setCassandraRetrySeconds(long cassandraRetrySeconds);
}
