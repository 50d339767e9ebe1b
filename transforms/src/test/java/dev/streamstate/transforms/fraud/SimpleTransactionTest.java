package dev.streamstate.transforms.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimpleTransactionTest {

  @Test
  void readsAnExactAmount() {
    SimpleTransaction tx = SimpleTransaction.parse("7,02/28/2026,123-ABC-789,0.10,Drug Store");
    assertEquals(
        new SimpleTransaction(
            7, "123-ABC-789", new BigDecimal("0.10"), LocalDate.of(2026, 2, 28), "Drug Store"),
        tx);
    assertEquals(
        "0.30",
        tx.amount().add(tx.amount()).add(tx.amount()).toPlainString(),
        "no binary-float drift");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1,01/05/2026,A,10.00|expected 5 comma-separated fields id,MM/dd/yyyy,account,amount,description, got 4",
        "1,01/05/2026,A,10.00,Gas,extra|expected 5 comma-separated fields id,MM/dd/yyyy,account,amount,description, got 6",
        "'1,01/05/2026,A,10.00,\"Gas, Oil\"'|expected 5 comma-separated fields id,MM/dd/yyyy,account,amount,description, got 6",
        "one,01/05/2026,A,10.00,Gas|id must be a whole number, got 'one'",
        "-1,01/05/2026,A,10.00,Gas|id must be a whole number, got '-1'",
        "1,13/05/2026,A,10.00,Gas|date must be a real day as MM/dd/yyyy, got '13/05/2026'",
        "1,01/45/2026,A,10.00,Gas|date must be a real day as MM/dd/yyyy, got '01/45/2026'",
        "1,02/30/2026,A,10.00,Gas|date must be a real day as MM/dd/yyyy, got '02/30/2026'",
        "1,2026-01-05,A,10.00,Gas|date must be a real day as MM/dd/yyyy, got '2026-01-05'",
        "1,01/05/2026, ,10.00,Gas|account is empty",
        "1,01/05/2026,A,ten,Gas|amount must be a plain decimal with at most two decimals, like 10.34, got 'ten'",
        "1,01/05/2026,A,NaN,Gas|amount must be a plain decimal with at most two decimals, like 10.34, got 'NaN'",
        "1,01/05/2026,A,Infinity,Gas|amount must be a plain decimal with at most two decimals, like 10.34, got 'Infinity'",
        "1,01/05/2026,A,1e309,Gas|amount must be a plain decimal with at most two decimals, like 10.34, got '1e309'",
        "1,01/05/2026,A,-0,Gas|amount must be a plain decimal with at most two decimals, like 10.34, got '-0'",
        "1,01/05/2026,A,10.001,Gas|amount must be a plain decimal with at most two decimals, like 10.34, got '10.001'",
        "1,01/05/2026,A,10.00,|description is empty",
      })
  void rejectsWithTheReason(String line, String reason) {
    assertEquals(
        reason,
        assertThrows(IllegalArgumentException.class, () -> SimpleTransaction.parse(line))
            .getMessage());
  }

  @Test
  void aRejectedLineKeepsItsIdWhereItIsReadable() {
    assertEquals("42", SimpleTransaction.readableId("42,13/45/2026,A,1.00,Gas"));
    assertNull(SimpleTransaction.readableId("x,01/05/2026,A,1.00,Gas"));
    assertNull(SimpleTransaction.readableId(""));
  }
}
