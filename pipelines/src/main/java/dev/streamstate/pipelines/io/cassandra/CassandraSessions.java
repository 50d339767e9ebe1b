package dev.streamstate.pipelines.io.cassandra;

import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Cassandra driver sessions of this JVM: one per endpoint, opened on first use and closed when
 * the JVM ends (clients are configured by {@link CassandraEndpoint}).
 *
 * <p>Beam's Spark runner sets a DoFn up and tears it down for every partition of every micro-batch,
 * so a client opened in {@code @Setup} (as CassandraIO's writer does) connects to the node anew
 * each batch, which took seconds a batch. A hand-written Spark job keeps one session per executor
 * for the same reason; so do we.
 */
public final class CassandraSessions {
  private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();
  private static final Map<String, PreparedStatement> PREPARED = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(CassandraSessions::closeAll, "cassandra-sessions"));
  }

  private CassandraSessions() {}

  /**
   * This JVM's session to {@code endpoint}; the driver reconnects it by itself if a node restarts.
   */
  public static Session of(CassandraEndpoint endpoint) {
    return SESSIONS.computeIfAbsent(endpoint.toString(), key -> endpoint.cluster().connect());
  }

  /** {@code statement} prepared once per session. */
  static PreparedStatement prepared(CassandraEndpoint endpoint, String statement) {
    return PREPARED.computeIfAbsent(
        endpoint + " " + statement, key -> of(endpoint).prepare(statement));
  }

  /**
   * Closes this JVM's sessions: when the JVM ends, and when a job is stopped before the servers a
   * command started (a session left open retries a stopped node and logs each attempt).
   */
  public static void closeAll() {
    PREPARED.clear();
    SESSIONS.values().forEach(session -> session.getCluster().close());
    SESSIONS.clear();
  }
}
