package dev.streamstate.pipelines.options;

import dev.streamstate.pipelines.io.cassandra.CassandraOptions;
import dev.streamstate.pipelines.io.kafka.KafkaClientOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * The options every pipeline shares: where records come from, where results go, and the micro-batch
 * interval. Runner options (--runner, --sparkMaster, --checkpointDir, …) come on top.
 */
public interface StreamStateOptions extends CassandraOptions, KafkaClientOptions {

  @Description(
      "Where records come from: generator (built-in data, no servers), file (a replay file, see"
          + " --input), socket (lines from a TCP server, see --host and --port) or kafka (see"
          + " --bootstrapServers and --topic)")
  @Default.String("generator")
  String getSource();

  void setSource(String source);

  @Description(
      "Replay file (or glob) for --source=file: one record a line, <ISO-8601 event time>TAB<payload>")
  String getInput();

  void setInput(String input);

  @Description("Host of the line server for --source=socket")
  @Default.String("localhost")
  String getHost();

  void setHost(String host);

  @Description("Port of the line server for --source=socket (e.g. nc -lk 9999)")
  @Default.Integer(9999)
  int getPort();

  void setPort(int port);

  @Description("Records per second made by --source=generator")
  @Default.Integer(5)
  int getEventsPerSecond();

  void setEventsPerSecond(int eventsPerSecond);

  @Description("Kafka brokers for --source=kafka and --sink=kafka, host:port[,host:port…]")
  @Default.String("localhost:9092")
  String getBootstrapServers();

  void setBootstrapServers(String bootstrapServers);

  @Description(
      "Topic --source=kafka reads; each message value is one payload, its timestamp the event time")
  String getTopic();

  void setTopic(String topic);

  @Description(
      "Consumer group of --source=kafka (offsets are committed with each finished micro-batch)")
  @Default.String("streamstate")
  String getConsumerGroup();

  void setConsumerGroup(String consumerGroup);

  @Description("Where --source=kafka starts without a committed offset: earliest or latest")
  @Default.String("latest")
  String getOffsetReset();

  void setOffsetReset(String offsetReset);

  @Description("Topic --sink=kafka writes the JSON results to")
  String getOutputTopic();

  void setOutputTopic(String outputTopic);

  @Description(
      "Kafka topic for dead letters when --source=kafka (as well as --deadLetters or stderr); default <--topic>-dead-letters")
  String getDeadLetterTopic();

  void setDeadLetterTopic(String deadLetterTopic);

  @Description("Table of keyspace finances that --sink=cassandra upserts the results into")
  String getCassandraTable();

  void setCassandraTable(String cassandraTable);

  @Description(
      "Where results go: console (stdout, one JSON object a line), file (see --output), kafka"
          + " (see --outputTopic) or cassandra (see --cassandraTable)")
  @Default.String("console")
  String getSink();

  void setSink(String sink);

  @Description("Output path for --sink=file: JSON lines, in files whose names start with it")
  String getOutput();

  void setOutput(String output);

  @Description(
      "File for records that cannot be read, as JSON lines {payload, error}; without it they are"
          + " printed to stderr")
  String getDeadLetters();

  void setDeadLetters(String deadLetters);

  @Description("Micro-batch interval in seconds on the Spark runner (and word-count's window)")
  @Default.Long(1)
  long getBatchSeconds();

  void setBatchSeconds(long batchSeconds);

  @Description(
      "How long after a window's end late records still correct it, in seconds; later records are"
          + " dropped and counted by the runner")
  @Default.Long(0)
  long getAllowedLatenessSeconds();

  void setAllowedLatenessSeconds(long allowedLatenessSeconds);

  @Description(
      "No progress line per micro-batch on the Spark runner (records, processing time, scheduling"
          + " delay, watermark, results, dead letters, Kafka lag)")
  @Default.Boolean(false)
  boolean getQuiet();

  void setQuiet(boolean quiet);
}
