package dev.streamstate.runners.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.testing.RealServers;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.kafka.KafkaCheckpointMark;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.WindowedValue;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Our runner's Kafka read on a real broker: a batch's range gives exactly its offsets, whether the
 * reader kept from the batch before goes on or a new one starts at the range (a batch recomputed
 * after a crash), so a recomputed batch reads what it read the first time.
 */
@ExtendWith(RealServers.class)
class RangeReadersTest {
  private static final PipelineOptions OPTIONS = PipelineOptionsFactory.create();

  @Test
  void aRangeReadsExactlyItsOffsetsWhetherItsReaderGoesOnOrIsNew() throws Exception {
    EmbeddedKafka kafka = RealServers.kafka();
    String topic = "ranges-" + UUID.randomUUID();
    kafka.createTopic(topic, 1);
    kafka.send(topic, IntStream.range(0, 100).mapToObj(i -> "v" + i).toList());
    UnboundedSource<KafkaRecord<String, String>, KafkaCheckpointMark> split =
        onlySplit(kafka, topic);
    long start = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();

    String kept = "kept-" + UUID.randomUUID();
    RangeRead<KafkaRecord<String, String>> first =
        RangeReaders.read(kept, split, range(topic, 0, 40, start), OPTIONS, 30_000);
    RangeRead<KafkaRecord<String, String>> empty =
        RangeReaders.read(
            kept, split, range(topic, 40, 40, first.watermarkMillis()), OPTIONS, 30_000);
    RangeRead<KafkaRecord<String, String>> second =
        RangeReaders.read(
            kept, split, range(topic, 40, 100, first.watermarkMillis()), OPTIONS, 30_000);
    String fresh = "fresh-" + UUID.randomUUID();
    RangeRead<KafkaRecord<String, String>> again =
        RangeReaders.read(fresh, split, range(topic, 30, 70, start), OPTIONS, 30_000);
    RangeReaders.closeAll(kept);
    RangeReaders.closeAll(fresh);

    assertEquals(values(0, 40), values(first));
    assertEquals(List.of(), values(empty));
    assertEquals(values(40, 100), values(second));
    assertEquals(
        values(30, 70), values(again), "a new reader at offset 30 reads offsets 30 to 69 only");
    assertEquals(
        timestamps(first).subList(30, 40),
        timestamps(again).subList(0, 10),
        "the same records get the same event time (the message's create time)");
  }

  private static OffsetRange range(String topic, long from, long until, long watermark) {
    return new OffsetRange(0, topic, 0, from, until, watermark);
  }

  @SuppressWarnings("unchecked")
  private static UnboundedSource<KafkaRecord<String, String>, KafkaCheckpointMark> onlySplit(
      EmbeddedKafka kafka, String topic) throws Exception {
    KafkaIO.Read<String, String> read =
        KafkaIO.<String, String>read()
            .withBootstrapServers(kafka.bootstrapServers())
            .withTopic(topic)
            .withKeyDeserializer(StringDeserializer.class)
            .withValueDeserializer(StringDeserializer.class)
            .withCreateTime(Duration.ZERO);
    // KafkaIO makes its source inside expand(); its factory method is package-private.
    Method makeSource = KafkaIO.Read.class.getDeclaredMethod("makeSource");
    makeSource.setAccessible(true);
    UnboundedSource<KafkaRecord<String, String>, KafkaCheckpointMark> source =
        (UnboundedSource<KafkaRecord<String, String>, KafkaCheckpointMark>) makeSource.invoke(read);
    List<? extends UnboundedSource<KafkaRecord<String, String>, KafkaCheckpointMark>> splits =
        source.split(Integer.MAX_VALUE, OPTIONS);
    assertEquals(1, splits.size());
    return splits.get(0);
  }

  private static List<String> values(int from, int until) {
    return IntStream.range(from, until).mapToObj(i -> "v" + i).toList();
  }

  private static List<String> values(RangeRead<KafkaRecord<String, String>> read) {
    List<String> values = new ArrayList<>();
    for (WindowedValue<KafkaRecord<String, String>> record : read.records()) {
      values.add(record.getValue().getKV().getValue());
    }
    return values;
  }

  private static List<Long> timestamps(RangeRead<KafkaRecord<String, String>> read) {
    return read.records().stream().map(record -> record.getTimestamp().getMillis()).toList();
  }
}
