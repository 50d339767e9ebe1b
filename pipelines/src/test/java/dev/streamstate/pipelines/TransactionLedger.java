package dev.streamstate.pipelines;

import com.datastax.driver.core.Session;
import dev.streamstate.pipelines.samples.SampleTransactions;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A known ledger of transactions for fault tests of {@code fraud}: made from a fixed seed, for
 * accounts whose history is zero and amounts above the alert threshold, so that every (account,
 * window) raises an alert, and each alert's totals and counts account for every transaction of the
 * account so far. The expected alerts follow the event times the transactions were sent with.
 */
final class TransactionLedger {
  final List<String> lines;
  final Map<String, BigDecimal> history = new TreeMap<>();
  private final ExpectedAlerts expected = new ExpectedAlerts();

  /** {@code size} transactions spread over {@code accounts} accounts, 2000.01 to 3999.99 each. */
  TransactionLedger(long seed, int size, int accounts) {
    Random random = new Random(seed);
    for (int a = 0; a < accounts; a++) {
      history.put(String.format("%03d-LED-%03d", a, a), new BigDecimal("0.00"));
    }
    List<String> accountNumbers = List.copyOf(history.keySet());
    List<String> made = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      BigDecimal amount = BigDecimal.valueOf(200_001 + random.nextInt(199_999), 2);
      made.add(
          SampleTransactions.csv(
              i + 1,
              LocalDate.of(2026, 12, 1),
              accountNumbers.get(random.nextInt(accounts)),
              amount,
              "Ledger"));
    }
    lines = List.copyOf(made);
  }

  /** Sends transactions {@code from} (inclusive) to {@code to}, {@code perSecond} a second. */
  void produce(String bootstrapServers, String topic, int perSecond, int from, int to) {
    LedgerProducer.send(
        bootstrapServers,
        topic,
        perSecond,
        lines.subList(from, to),
        (line, timestamp) -> {
          String[] fields = line.split(",");
          expected.add(fields[2], timestamp, new BigDecimal(fields[3]));
        });
  }

  /** The alerts the transactions sent so far must raise. */
  Set<String> alerts() {
    return expected.alerts(history);
  }

  /** Polls Cassandra until it holds exactly the expected alerts, or {@code timeout} has passed. */
  Set<String> awaitAlerts(Session session, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> actual = ExpectedAlerts.table(session);
    while (!actual.equals(alerts()) && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      actual = ExpectedAlerts.table(session);
    }
    return actual;
  }

  /**
   * "N expected not found, M not expected": alerts missing from {@code actual} (a lost window, or
   * totals that differ), and its rows that are not expected (totals that lost or doubled a
   * transaction).
   */
  String compare(Set<String> actual) {
    Set<String> missing = new TreeSet<>(alerts());
    missing.removeAll(actual);
    Set<String> wrong = new TreeSet<>(actual);
    wrong.removeAll(alerts());
    return lines.size()
        + " transactions, "
        + alerts().size()
        + " (account, window) alerts expected, "
        + actual.size()
        + " in Cassandra: "
        + missing.size()
        + " expected not found, "
        + wrong.size()
        + " not expected";
  }
}
