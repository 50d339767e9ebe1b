package dev.streamstate.transforms.fraud;

import dev.streamstate.testing.Scenario;
import dev.streamstate.testing.TestRunner;
import dev.streamstate.transforms.common.RecordCoder;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.BigDecimalCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

class DetectFraudTest {

  /** Processing-time behaviour: the Spark runner cannot advance a TestStream's processing time. */
  @Test
  void snapshotsEmitEveryAccountsTotalsPeriodically() {
    Pipeline p = TestRunner.DIRECT.newPipeline();
    PCollectionView<Map<String, BigDecimal>> noHistory =
        p.apply("NoHistory", Create.empty(KvCoder.of(StringUtf8Coder.of(), BigDecimalCoder.of())))
            .apply(View.asMap());
    PCollectionTuple scored =
        p.apply(
                Scenario.lines()
                    .add(1, "1,01/05/2026,A,10.00,Gas")
                    .add(2, "2,01/05/2026,B,5.00,Gas")
                    .watermark(10)
                    .processingTime(Duration.standardSeconds(11)) // A 10.00, B 5.00
                    .add(12, "3,01/05/2026,A,20.00,Gas")
                    .watermark(20)
                    .processingTime(Duration.standardSeconds(11)) // A 30.00 (2), B still 5.00
                    .end())
            .apply(
                MapElements.into(TypeDescriptor.of(SimpleTransaction.class))
                    .via(SimpleTransaction::parse))
            .setCoder(RecordCoder.of(SimpleTransaction.class))
            .apply(DetectFraud.against(noHistory).withSnapshotsEvery(Duration.standardSeconds(10)));

    PAssert.that(scored.get(DetectFraud.SNAPSHOTS))
        .containsInAnyOrder(
            new AccountSnapshot("A", new BigDecimal("10.00"), 1),
            new AccountSnapshot("B", new BigDecimal("5.00"), 1),
            new AccountSnapshot("A", new BigDecimal("30.00"), 2),
            new AccountSnapshot("B", new BigDecimal("5.00"), 1));
    PAssert.that(scored.get(DetectFraud.ALERTS)).empty();
    TestRunner.DIRECT.run(p);
  }
}
