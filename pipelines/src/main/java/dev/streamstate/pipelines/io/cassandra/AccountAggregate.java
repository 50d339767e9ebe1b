package dev.streamstate.pipelines.io.cassandra;

import com.datastax.driver.mapping.annotations.Column;
import com.datastax.driver.mapping.annotations.PartitionKey;
import com.datastax.driver.mapping.annotations.Table;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/**
 * A row of {@code finances.account_aggregates}: an account's historic average transaction, the
 * history the fraud pipeline compares new spending with. Mapped for CassandraIO.
 */
@Table(keyspace = CassandraSchema.KEYSPACE, name = "account_aggregates")
public final class AccountAggregate {
  @PartitionKey
  @Column(name = "account_number")
  private String accountNumber;

  @Column(name = "average_transaction")
  private double averageTransaction;

  /** For the mapper. */
  public AccountAggregate() {}

  public AccountAggregate(String accountNumber, double averageTransaction) {
    this.accountNumber = accountNumber;
    this.averageTransaction = averageTransaction;
  }

  /**
   * Parses {@code account,average}; throws {@link IllegalArgumentException} saying what is wrong.
   */
  public static AccountAggregate parse(String line) {
    String[] fields = line.split(",", -1);
    if (fields.length != 2 || fields[0].isBlank()) {
      throw new IllegalArgumentException(
          "expected 'account,average', got " + fields.length + " field(s)");
    }
    try {
      double average = Double.parseDouble(fields[1].trim());
      if (!Double.isFinite(average)) {
        throw new NumberFormatException();
      }
      return new AccountAggregate(fields[0].trim(), average);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "average is not a finite number: '" + fields[1].trim() + "'");
    }
  }

  public String getAccountNumber() {
    return accountNumber;
  }

  public void setAccountNumber(String accountNumber) {
    this.accountNumber = accountNumber;
  }

  public double getAverageTransaction() {
    return averageTransaction;
  }

  public void setAverageTransaction(double averageTransaction) {
    this.averageTransaction = averageTransaction;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AccountAggregate that
        && accountNumber.equals(that.accountNumber)
        && averageTransaction == that.averageTransaction;
  }

  @Override
  public int hashCode() {
    return Objects.hash(accountNumber, averageTransaction);
  }

  @Override
  public String toString() {
    return accountNumber + "=" + averageTransaction;
  }

  /**
   * Its coder, for the rows CassandraIO reads and the loader writes (a mapped class, not a record,
   * so not a {@code RecordCoder}). Not deterministic: the average is a double, whose encoding Beam
   * does not call deterministic (here 0.0 and -0.0 are equal rows that encode differently); rows
   * are never grouped by.
   */
  public static final class Coder extends AtomicCoder<AccountAggregate> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(AccountAggregate row, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(row.accountNumber, out);
      DoubleCoder.of().encode(row.averageTransaction, out);
    }

    @Override
    public AccountAggregate decode(InputStream in) throws IOException {
      return new AccountAggregate(StringUtf8Coder.of().decode(in), DoubleCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      verifyDeterministic(this, "the average is a double", DoubleCoder.of());
    }
  }
}
