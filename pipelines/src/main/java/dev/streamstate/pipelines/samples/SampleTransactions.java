package dev.streamstate.pipelines.samples;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The fraud example's sample transactions, CSV lines {@code id,MM/dd/yyyy,account,amount,
 * description}: the accounts, amounts and descriptions they are made of, and the fixed ledger the
 * producer sends. The built-in generator and the producer make theirs from the same parts.
 */
public final class SampleTransactions {
  private SampleTransactions() {}

  public static final List<String> ACCOUNTS =
      List.of("123-ABC-789", "456-DEF-456", "333-XYZ-999", "987-CBA-321");
  public static final List<String> DESCRIPTIONS =
      List.of(
          "Drug Store", "Grocery Store", "Electronics", "Park", "Gas", "Books", "Movies", "Misc");
  public static final List<BigDecimal> AMOUNTS =
      List.of("10.34", "94.65", "2.49", "306.21", "1073.12", "20.00", "7.92", "4322.33").stream()
          .map(BigDecimal::new)
          .toList();
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy");
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 1);

  /** The fixed ledger: 100 transactions, the same on every run. */
  public static List<String> ledger() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      lines.add(
          csv(
              i + 1,
              FIRST_DAY.plusDays(i / 10),
              ACCOUNTS.get(i % ACCOUNTS.size()),
              AMOUNTS.get((i * 3) % AMOUNTS.size()),
              DESCRIPTIONS.get((i * 5) % DESCRIPTIONS.size())));
    }
    return lines;
  }

  public static String csv(
      long id, LocalDate date, String account, BigDecimal amount, String description) {
    return id
        + ","
        + DATE.format(date)
        + ","
        + account
        + ","
        + amount.toPlainString()
        + ","
        + description;
  }
}
