package dev.streamstate.pipelines;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Cassandra driver sessions of this JVM: one per node address, opened on first use and closed
 * when the JVM ends, and the one place where the project's driver clients are configured.
 *
 * <p>Beam's Spark runner sets a DoFn up and tears it down for every partition of every micro-batch,
 * so a client opened in {@code @Setup} (as CassandraIO's writer does) connects to the node anew
 * each batch, which took seconds a batch. A hand-written Spark job keeps one session per executor
 * for the same reason; so do we.
 */
final class CassandraSessions {
  private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();
  private static final Map<String, PreparedStatement> PREPARED = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(CassandraSessions::closeAll, "cassandra-sessions"));
  }

  private CassandraSessions() {}

  /** A driver client for {@code host:port}, for callers that open and close their own. */
  static Cluster cluster(String host, int port, CassandraLogin login) {
    return login
        .onto(Cluster.builder().addContactPoint(host).withPort(port).withoutJMXReporting().withoutMetrics())
        .build();
  }

  /** This JVM's session to {@code host:port}; the driver reconnects it by itself if the node restarts. */
  static Session of(String host, int port, CassandraLogin login) {
    return SESSIONS.computeIfAbsent(key(host, port, login), address -> cluster(host, port, login).connect());
  }

  /** {@code statement} prepared once per session. */
  static PreparedStatement prepared(String host, int port, CassandraLogin login, String statement) {
    return PREPARED.computeIfAbsent(
        key(host, port, login) + " " + statement, key -> of(host, port, login).prepare(statement));
  }

  /**
   * Closes this JVM's sessions: when the JVM ends, and when a job is stopped before the servers a
   * command started (a session left open retries a stopped node and logs each attempt).
   */
  static void closeAll() {
    PREPARED.clear();
    SESSIONS.values().forEach(session -> session.getCluster().close());
    SESSIONS.clear();
  }

  private static String key(String host, int port, CassandraLogin login) {
    return host + ":" + port + " as " + login;
  }
}
