package dev.streamstate.pipelines.io.cassandra;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Host;
import com.datastax.driver.core.KeyspaceMetadata;
import com.datastax.driver.core.Session;
import com.datastax.driver.core.exceptions.DriverException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's Cassandra schema: keyspace {@code finances} and the tables the pipelines read and
 * write. Before a job starts it is checked, or with {@code --createSchema} created where missing:
 * the keyspace with the replication of {@code --cassandraReplication} (NetworkTopologyStrategy), or
 * with one replica for a single local node (what the local stack and the demo do). A keyspace of
 * one replica is never made unasked on a cluster. Schema changes are the driver's job; reads and
 * writes go through CassandraIO and {@link CassandraUpserts}.
 */
public final class CassandraSchema {
  public static final String KEYSPACE = "finances";
  private static final Pattern DATACENTER = Pattern.compile("([A-Za-z0-9_.-]+):([1-9][0-9]*)");

  /** Each table's name and definition. */
  private static final Map<String, String> TABLES =
      Map.of(
          "account_aggregates", "(account_number text PRIMARY KEY, average_transaction double)",
          "running_word_counts", "(word text PRIMARY KEY, count bigint, timed_out boolean)",
          "sessions",
              "(id bigint, start timestamp, end timestamp, events list<text>, closed_by text, PRIMARY KEY (id, start))",
          "activity_runs",
              "(user text, start timestamp, activity text, end timestamp, PRIMARY KEY (user, start))",
          "alerts",
              "(account text, window_start timestamp, window_end timestamp, kind text, window_spending_avg decimal,"
                  + " total_spending decimal, num_tx bigint, average_tx decimal, historic_average decimal,"
                  + " PRIMARY KEY (account, window_start))");

  private CassandraSchema() {}

  /**
   * The endpoint the options name, once its nodes answer, its local datacenter is one of theirs and
   * the schema is there (created first with {@code --createSchema}); else what to fix, in one line.
   */
  public static CassandraEndpoint ready(CassandraOptions options) {
    CassandraEndpoint endpoint = CassandraEndpoint.of(options);
    String keyspace =
        options.getCreateSchema() ? createKeyspace(options.getCassandraReplication()) : null;
    try (Cluster cluster = endpoint.cluster();
        Session session = cluster.connect()) {
      checkLocalDc(endpoint, cluster);
      if (keyspace != null) {
        session.execute(keyspace);
        TABLES.forEach(
            (table, definition) ->
                session.execute(
                    "CREATE TABLE IF NOT EXISTS " + KEYSPACE + "." + table + " " + definition));
      } else {
        checkTables(endpoint, cluster.getMetadata().getKeyspace(KEYSPACE));
      }
    } catch (DriverException e) {
      throw new IllegalArgumentException(
          "no Cassandra answers at " + endpoint.address() + " (" + firstLine(e.getMessage()) + ")");
    }
    return endpoint;
  }

  /**
   * The statement creating the keyspace with {@code replication} ({@code DC:N,...}), if missing.
   */
  public static String createKeyspace(String replication) {
    String strategy;
    if (replication == null || replication.isBlank()) {
      strategy = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
    } else {
      List<String> factors = new ArrayList<>();
      for (String datacenter : replication.split(",")) {
        Matcher factor = DATACENTER.matcher(datacenter.strip());
        if (!factor.matches()) {
          throw new IllegalArgumentException(
              "--cassandraReplication="
                  + replication
                  + ": expected DATACENTER:REPLICAS,... such as dc1:3,dc2:3, got '"
                  + datacenter.strip()
                  + "'");
        }
        factors.add("'" + factor.group(1) + "': " + factor.group(2));
      }
      strategy = "{'class': 'NetworkTopologyStrategy', " + String.join(", ", factors) + "}";
    }
    return "CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE + " WITH replication = " + strategy;
  }

  /** A local datacenter no node is in would leave the clients with no node to ask. */
  private static void checkLocalDc(CassandraEndpoint endpoint, Cluster cluster) {
    if (endpoint.localDc() == null) {
      return;
    }
    Set<String> datacenters = new TreeSet<>();
    for (Host host : cluster.getMetadata().getAllHosts()) {
      datacenters.add(host.getDatacenter());
    }
    if (!datacenters.contains(endpoint.localDc())) {
      throw new IllegalArgumentException(
          "--cassandraLocalDc="
              + endpoint.localDc()
              + ": no node of Cassandra at "
              + endpoint.address()
              + " is in it; its datacenters: "
              + String.join(", ", datacenters));
    }
  }

  private static void checkTables(CassandraEndpoint endpoint, KeyspaceMetadata keyspace) {
    List<String> missing = new ArrayList<>();
    for (String table : new TreeSet<>(TABLES.keySet())) {
      if (keyspace == null || keyspace.getTable(table) == null) {
        missing.add(KEYSPACE + "." + table);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "Cassandra at "
              + endpoint.address()
              + " has no "
              + String.join(", ", missing)
              + ": create the schema once with --createSchema (and --cassandraReplication=DATACENTER:REPLICAS,... on a cluster)");
    }
  }

  private static String firstLine(String message) {
    return message == null ? "no reason given" : message.lines().findFirst().orElse(message);
  }
}
