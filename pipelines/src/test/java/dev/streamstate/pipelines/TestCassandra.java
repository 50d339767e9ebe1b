package dev.streamstate.pipelines;

import com.datastax.driver.core.Cluster;
import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.pipelines.io.cassandra.CassandraEndpoint;
import dev.streamstate.pipelines.io.cassandra.CassandraOptions;
import dev.streamstate.pipelines.io.cassandra.CassandraSchema;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** The test node as the pipelines reach it: its endpoint, with the project's schema created. */
final class TestCassandra {
  private TestCassandra() {}

  /**
   * The node's endpoint once keyspace finances and its tables exist (created as --createSchema
   * does).
   */
  static CassandraEndpoint schema(EmbeddedCassandra cassandra) {
    CassandraOptions options = PipelineOptionsFactory.as(CassandraOptions.class);
    options.setCassandraHosts(cassandra.host());
    options.setCassandraPort(cassandra.port());
    options.setCreateSchema(true);
    return CassandraSchema.ready(options);
  }

  /** A driver client of the node, the schema created, for the caller to close. */
  static Cluster cluster(EmbeddedCassandra cassandra) {
    return schema(cassandra).cluster();
  }
}
