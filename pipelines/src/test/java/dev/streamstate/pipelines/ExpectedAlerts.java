package dev.streamstate.pipelines;

import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The alerts {@code fraud} must raise for the transactions it is sent, computed here without the
 * pipeline (10-second windows, alert when an average is more than 2000 above the account's
 * history), as rows of {@code finances.alerts} rendered the same way on both sides.
 */
final class ExpectedAlerts {
  static final long WINDOW_MILLIS = 10_000;
  private static final BigDecimal THRESHOLD = new BigDecimal("2000");

  /** account → window start → amounts. */
  private final Map<String, TreeMap<Long, List<BigDecimal>>> windows = new TreeMap<>();

  synchronized void add(String account, long timestamp, BigDecimal amount) {
    windows
        .computeIfAbsent(account, a -> new TreeMap<>())
        .computeIfAbsent(timestamp / WINDOW_MILLIS * WINDOW_MILLIS, w -> new ArrayList<>())
        .add(amount);
  }

  /** The alerts of every window. */
  Set<String> alerts(Map<String, BigDecimal> history) {
    return alertsIn(null, history);
  }

  /**
   * The alerts of the window starting at {@code onlyWindow} (all windows if null): per account,
   * windows in event-time order, each compared as of its end.
   */
  synchronized Set<String> alertsIn(Long onlyWindow, Map<String, BigDecimal> history) {
    Set<String> alerts = new TreeSet<>();
    windows.forEach(
        (account, byWindow) -> {
          BigDecimal total = BigDecimal.ZERO;
          long count = 0;
          for (Map.Entry<Long, List<BigDecimal>> window : byWindow.entrySet()) {
            BigDecimal sum = window.getValue().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            total = total.add(sum);
            count += window.getValue().size();
            BigDecimal windowAvg =
                sum.divide(BigDecimal.valueOf(window.getValue().size()), MathContext.DECIMAL128);
            BigDecimal averageTx = total.divide(BigDecimal.valueOf(count), MathContext.DECIMAL128);
            BigDecimal historic = history.get(account);
            boolean alert =
                averageTx.subtract(historic).compareTo(THRESHOLD) > 0
                    || windowAvg.subtract(historic).compareTo(THRESHOLD) > 0;
            if (alert && (onlyWindow == null || onlyWindow.equals(window.getKey()))) {
              alerts.add(
                  row(account, window.getKey(), windowAvg, total, count, averageTx, historic));
            }
          }
        });
    return alerts;
  }

  /** The rows of {@code finances.alerts} now. */
  static Set<String> table(Session session) {
    Set<String> rows = new TreeSet<>();
    for (Row row :
        session.execute(
            "SELECT account, window_start, window_spending_avg, total_spending, num_tx, average_tx,"
                + " historic_average FROM finances.alerts")) {
      rows.add(
          row(
              row.getString("account"),
              row.getTimestamp("window_start").getTime(),
              row.getDecimal("window_spending_avg"),
              row.getDecimal("total_spending"),
              row.getLong("num_tx"),
              row.getDecimal("average_tx"),
              row.getDecimal("historic_average")));
    }
    return rows;
  }

  private static String row(
      String account,
      long windowStart,
      BigDecimal windowAvg,
      BigDecimal total,
      long count,
      BigDecimal averageTx,
      BigDecimal historic) {
    return account
        + " "
        + windowStart
        + " "
        + money(windowAvg)
        + " "
        + money(total)
        + " "
        + count
        + " "
        + money(averageTx)
        + " "
        + money(historic);
  }

  private static String money(BigDecimal amount) {
    return amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }
}
