package dev.streamstate.transforms.fraud;

import java.math.BigDecimal;
import java.util.TreeMap;
import org.joda.time.Instant;

/**
 * Values of {@link DetectFraud}'s state records, which stay package-private, for the test of every
 * record's coder.
 */
public final class FraudStateRecords {
  private static final DetectFraud.Spending SPENDING =
      new DetectFraud.Spending(new BigDecimal("2100.01"), 1);

  private FraudStateRecords() {}

  /** An account's spending. */
  public static Record spending() {
    return SPENDING;
  }

  /** Its spending in the window from {@code start} to {@code end}. */
  public static Record windowSpending(Instant start, Instant end) {
    return new DetectFraud.WindowSpending(start, end, SPENDING);
  }

  /** Its totals, with recent windows ending at {@code start} and {@code end}, and with none. */
  public static Record[] totals(Instant start, Instant end) {
    TreeMap<Instant, DetectFraud.Spending> recent = new TreeMap<>();
    recent.put(end, SPENDING);
    recent.put(start, new DetectFraud.Spending(new BigDecimal("-0.50"), 3));
    return new Record[] {
      new DetectFraud.Totals(SPENDING, recent), new DetectFraud.Totals(SPENDING, new TreeMap<>())
    };
  }
}
