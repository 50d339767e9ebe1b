package dev.streamstate.transforms.fraud;

import dev.streamstate.transforms.common.Reasons;
import dev.streamstate.transforms.common.RecordCoder;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.regex.Pattern;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.DelegateCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * A card transaction of the fraud example, read from CSV {@code id,MM/dd/yyyy,account,amount,
 * description}. Amounts are exact decimals: money never passes through a binary float.
 */
@DefaultCoder(SimpleTransaction.Coder.class)
public record SimpleTransaction(
    long id, String accountNumber, BigDecimal amount, LocalDate date, String description) {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("MM/dd/uuuu").withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern ID = Pattern.compile("\\d{1,18}");

  /** Plain decimal money: digits, at most two decimals; no sign, exponent, NaN or Infinity. */
  private static final Pattern AMOUNT = Pattern.compile("\\d{1,15}(\\.\\d{1,2})?");

  /**
   * Parses one CSV line strictly; throws {@link IllegalArgumentException} saying what is wrong.
   * Fields are not quoted: a comma inside a description makes a wrong field count.
   */
  public static SimpleTransaction parse(String line) {
    String[] fields = line.split(",", -1);
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "expected 5 comma-separated fields id,MM/dd/yyyy,account,amount,description, got "
              + fields.length);
    }
    if (!ID.matcher(fields[0]).matches()) {
      throw new IllegalArgumentException(
          "id must be a whole number, got " + Reasons.quote(fields[0]));
    }
    LocalDate date;
    try {
      date = LocalDate.parse(fields[1], DATE);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "date must be a real day as MM/dd/yyyy, got " + Reasons.quote(fields[1]));
    }
    String account = fields[2].strip();
    if (account.isEmpty()) {
      throw new IllegalArgumentException("account is empty");
    }
    if (!AMOUNT.matcher(fields[3]).matches()) {
      throw new IllegalArgumentException(
          "amount must be a plain decimal with at most two decimals, like 10.34, got "
              + Reasons.quote(fields[3]));
    }
    String description = fields[4].strip();
    if (description.isEmpty()) {
      throw new IllegalArgumentException("description is empty");
    }
    return new SimpleTransaction(
        Long.parseLong(fields[0]), account, new BigDecimal(fields[3]), date, description);
  }

  /** The id of a line that failed to parse, if its first field still is one; else null. */
  public static String readableId(String line) {
    int comma = line.indexOf(',');
    String first = comma < 0 ? line : line.substring(0, comma);
    return ID.matcher(first).matches() ? first : null;
  }

  /**
   * Its coder (see {@link RecordCoder}); the date as its day number (three bytes for this
   * century's).
   */
  public static final class Coder extends RecordCoder<SimpleTransaction> {
    private static final DelegateCoder<LocalDate, Long> DAY =
        DelegateCoder.of(
            VarLongCoder.of(),
            LocalDate::toEpochDay,
            LocalDate::ofEpochDay,
            TypeDescriptor.of(LocalDate.class));

    public Coder() {
      super(SimpleTransaction.class, LONG, STRING, DECIMAL, DAY, STRING);
    }
  }
}
