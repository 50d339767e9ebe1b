package dev.streamstate.pipelines;

import com.datastax.driver.mapping.annotations.Column;
import com.datastax.driver.mapping.annotations.PartitionKey;
import com.datastax.driver.mapping.annotations.Table;
import java.io.Serializable;
import java.util.Objects;

/**
 * A row of {@code finances.account_aggregates}: an account's historic average transaction, the
 * history the fraud pipeline compares new spending with. Mapped for CassandraIO.
 */
@Table(keyspace = CassandraSchema.KEYSPACE, name = "account_aggregates")
public final class AccountAggregate implements Serializable {
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

  /** Parses {@code account,average}; throws {@link IllegalArgumentException} saying what is wrong. */
  static AccountAggregate parse(String line) {
    String[] fields = line.split(",", -1);
    if (fields.length != 2 || fields[0].isBlank()) {
      throw new IllegalArgumentException("expected 'account,average', got " + fields.length + " field(s)");
    }
    try {
      double average = Double.parseDouble(fields[1].trim());
      if (!Double.isFinite(average)) {
        throw new NumberFormatException();
      }
      return new AccountAggregate(fields[0].trim(), average);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("average is not a finite number: '" + fields[1].trim() + "'");
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
}
