package dev.streamstate.pipelines;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Session;
import com.datastax.driver.core.exceptions.DriverException;
import java.util.List;

/**
 * The project's Cassandra schema, created if missing: keyspace {@code finances} and the tables the
 * pipelines read and write. Schema changes are the driver's job; reads and writes go through
 * CassandraIO.
 */
final class CassandraSchema {
  static final String KEYSPACE = "finances";

  private static final List<String> STATEMENTS =
      List.of(
          "CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE
              + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
          "CREATE TABLE IF NOT EXISTS " + KEYSPACE
              + ".account_aggregates (account_number text PRIMARY KEY, average_transaction double)",
          "CREATE TABLE IF NOT EXISTS " + KEYSPACE
              + ".running_word_counts (word text PRIMARY KEY, count bigint, timed_out boolean)",
          "CREATE TABLE IF NOT EXISTS " + KEYSPACE
              + ".sessions (id bigint, start timestamp, end timestamp, events list<text>,"
              + " closed_by text, PRIMARY KEY (id, start))",
          "CREATE TABLE IF NOT EXISTS " + KEYSPACE
              + ".activity_runs (user text, start timestamp, activity text, end timestamp,"
              + " PRIMARY KEY (user, start))",
          "CREATE TABLE IF NOT EXISTS " + KEYSPACE
              + ".alerts (account text, window_start timestamp, window_end timestamp, kind text,"
              + " window_spending_avg decimal, total_spending decimal, num_tx bigint, average_tx decimal,"
              + " historic_average decimal, PRIMARY KEY (account, window_start))");

  private CassandraSchema() {}

  /**
   * Creates what is missing, logged in as {@code login}; a node that does not answer (or does not
   * let us in) is reported in one line.
   */
  static void bootstrap(String host, int port, CassandraLogin login) {
    try (Cluster cluster = CassandraSessions.cluster(host, port, login);
        Session session = cluster.connect()) {
      STATEMENTS.forEach(session::execute);
    } catch (DriverException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "no Cassandra answers at " + host + ":" + port + " (" + firstLine(e.getMessage()) + ")");
    }
  }

  private static String firstLine(String message) {
    return message == null ? "no reason given" : message.lines().findFirst().orElse(message);
  }
}
