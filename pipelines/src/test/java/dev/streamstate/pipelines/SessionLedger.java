package dev.streamstate.pipelines;

import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A known ledger of user events for fault tests of {@code sessions}: made from a fixed seed, sent
 * to Kafka at a steady rate and stamped with the time each is sent (its event time). The sessions
 * it must give are worked out here from those times, apart from the pipeline's code: per user in
 * time order (at one instant, an {@code isLast} event last, then by data), a new session after a
 * gap or more of quiet or after an {@code isLast} event.
 */
final class SessionLedger {
  static final String TABLE = "finances.sessions";

  final List<String> events = new ArrayList<>();
  private final int perSecond;
  private final List<Event> made = new ArrayList<>();
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();

  private record Event(long user, String data, boolean isLast, long at) {}

  /**
   * {@code size} events of {@code users} users, one in {@code 1/lastOneIn} ending its session, to
   * be sent {@code perSecond} a second. The producer sends each second's events at one instant, and
   * a user's second {@code isLast} there would start a second session at the same instant as the
   * first, where the table's key (id, start) keeps only one: a user ends at most one session a
   * second.
   */
  SessionLedger(long seed, int size, int users, int lastOneIn, int perSecond) {
    this.perSecond = perSecond;
    Random random = new Random(seed);
    Set<Long> endedThisSecond = new HashSet<>();
    for (int i = 0; i < size; i++) {
      if (i % perSecond == 0) {
        endedThisSecond.clear();
      }
      long user = random.nextInt(users);
      boolean isLast = random.nextInt(lastOneIn) == 0 && endedThisSecond.add(user);
      Event event = new Event(user, "e" + i, isLast, 0);
      made.add(event);
      events.add(
          "{\"id\":"
              + event.user
              + ",\"data\":\""
              + event.data
              + "\",\"isLast\":"
              + event.isLast
              + "}");
    }
  }

  /** Sends events {@code from} (inclusive) to {@code to}. */
  void produce(String bootstrapServers, String topic, int from, int to) {
    LedgerProducer.send(bootstrapServers, topic, perSecond, events.subList(from, to), sentAt::put);
  }

  /** The sessions as rows "id start end [events] closed_by", once every event has been sent. */
  Set<String> sessions(Duration gap) {
    Map<Long, List<Event>> byUser = new TreeMap<>();
    for (int i = 0; i < made.size(); i++) {
      Event event = made.get(i);
      byUser
          .computeIfAbsent(event.user, user -> new ArrayList<>())
          .add(new Event(event.user, event.data, event.isLast, sentAt.get(events.get(i))));
    }
    Set<String> sessions = new TreeSet<>();
    byUser.forEach(
        (user, all) -> {
          all.sort(
              Comparator.comparingLong(Event::at)
                  .thenComparing(Event::isLast)
                  .thenComparing(Event::data));
          List<Event> session = new ArrayList<>();
          for (Event event : all) {
            Event previous = session.isEmpty() ? null : session.get(session.size() - 1);
            if (previous != null && (previous.isLast || event.at - previous.at >= gap.toMillis())) {
              sessions.add(row(user, session));
              session = new ArrayList<>();
            }
            session.add(event);
          }
          sessions.add(row(user, session));
        });
    return sessions;
  }

  private static String row(long user, List<Event> session) {
    Event last = session.get(session.size() - 1);
    return row(
        user,
        session.get(0).at,
        last.at,
        session.stream().map(Event::data).toList(),
        last.isLast ? "last" : "timeout");
  }

  private static String row(long user, long start, long end, List<String> events, String closedBy) {
    return user + " " + start + " " + end + " " + events + " " + closedBy;
  }

  /** The sessions in Cassandra now. */
  static Set<String> table(Session session) {
    Set<String> rows = new TreeSet<>();
    for (Row row : session.execute("SELECT id, start, end, events, closed_by FROM " + TABLE)) {
      rows.add(
          row(
              row.getLong("id"),
              row.getTimestamp("start").getTime(),
              row.getTimestamp("end").getTime(),
              row.getList("events", String.class),
              row.getString("closed_by")));
    }
    return rows;
  }

  /** Polls Cassandra until it holds exactly {@code expected}, or {@code timeout} has passed. */
  static Set<String> await(Session session, Set<String> expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> actual = table(session);
    while (!actual.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      actual = table(session);
    }
    return actual;
  }

  /**
   * "N sessions, M lost, K wrong or twice": expected rows missing from Cassandra, and extra ones.
   */
  String compare(Set<String> expected, Set<String> actual) {
    Set<String> lost = new TreeSet<>(expected);
    lost.removeAll(actual);
    Set<String> extra = new TreeSet<>(actual);
    extra.removeAll(expected);
    return events.size()
        + " events, "
        + expected.size()
        + " sessions in the ledger, "
        + actual.size()
        + " in Cassandra: "
        + lost.size()
        + " lost, "
        + extra.size()
        + " wrong or twice";
  }
}
