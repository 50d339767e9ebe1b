package dev.streamstate.pipelines;

import static dev.streamstate.pipelines.HostileReplay.START;
import static dev.streamstate.pipelines.HostileReplay.randomTime;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamstate.pipelines.HostileReplay.Bad;
import dev.streamstate.pipelines.HostileReplay.Layer;
import dev.streamstate.pipelines.HostileReplay.Timed;
import dev.streamstate.pipelines.cli.StreamState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.joda.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input through every pipeline's real read path, as a user runs it: a replay file through
 * the entry point on the DirectRunner, so the bytes are split into lines, decoded as UTF-8, parsed
 * as replay lines and then by the pipeline's own payload parser. Each file mixes known good records
 * with {@value #MALFORMED} malformed payloads of the pipeline's own kinds, malformed bytes and
 * replay lines, a few lines of about a megabyte, just under the cap on a record's size, and one of
 * several megabytes over it, in a seeded random order. The rule under test: the run completes;
 * every malformed record is exactly one dead letter with a reason and its original text; every good
 * record's result is there, as computed here independently.
 */
class HostileInputTest {
  private static final long SEED = 20260101L;

  /** Malformed payloads per pipeline. */
  private static final int MALFORMED = 10_000;

  /** Malformed bytes and malformed replay lines per pipeline (every pipeline reads both layers). */
  private static final int MALFORMED_LINES = 1_500;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private static final Map<Layer, Integer> TOTALS = new TreeMap<>();

  @TempDir Path dir;

  @AfterAll
  static void printTotals() {
    System.out.printf(
        "fuzz utf8 (all pipelines): %d malformed -> %d dead letters%n",
        TOTALS.getOrDefault(Layer.UTF8, 0), TOTALS.getOrDefault(Layer.UTF8, 0));
    System.out.printf(
        "fuzz replay lines (all pipelines): %d malformed -> %d dead letters%n",
        TOTALS.getOrDefault(Layer.REPLAY_LINE, 0), TOTALS.getOrDefault(Layer.REPLAY_LINE, 0));
  }

  // ---- word counts: any text is a line of words; only bytes that are not UTF-8 are malformed

  @Test
  void wordCount() throws IOException {
    Random random = new Random(SEED);
    String[] words = {"the", "quick", "brown", "fox", "Fox", "zoë", "日本", "🚀", "naïve", "x"};
    String[] spaces = {" ", "  ", "\t", " \t ", "\u000B", "\f"};
    List<Timed> good = new ArrayList<>();
    Map<List<Object>, Long> counts = new HashMap<>();
    for (int i = 0; i < 800; i++) {
      Instant time = randomTime(random);
      StringBuilder line =
          new StringBuilder(random.nextInt(4) == 0 ? spaces[random.nextInt(spaces.length)] : "");
      for (int n = random.nextInt(6); n > 0; n--) { // an empty or blank line is good too: no words
        String word = words[random.nextInt(words.length)];
        line.append(word).append(spaces[random.nextInt(spaces.length)]);
        counts.merge(List.of(start(time, 10_000), word), 1L, Long::sum);
      }
      good.add(new Timed(time, line.toString()));
    }
    Set<String> expected = new TreeSet<>();
    counts.forEach(
        (key, count) ->
            expected.add(
                windowed((Instant) key.get(0), 10_000, "word", key.get(1), "count", count)));

    fuzz(
        "word-count",
        List.of("--batchSeconds=10"),
        random,
        good,
        expected,
        r -> Bad.notUtf8(HostileReplay.notUtf8(r)),
        HostileReplay.hugeNotUtf8(random));
  }

  // ---- best-seller: product,quantity

  @Test
  void bestSeller() throws IOException {
    Random random = new Random(SEED + 1);
    String[] products = {"pen", "Pen", "book", "ink", "zoë's mug", "日本茶"};
    List<Timed> good = new ArrayList<>();
    Map<Instant, Map<String, Long>> totals = new HashMap<>();
    for (int i = 0; i < 600; i++) {
      Instant time = randomTime(random);
      String product = products[random.nextInt(products.length)];
      long quantity = 1 + random.nextInt(50);
      String text =
          random.nextBoolean()
              ? product + "," + quantity
              : " " + product + " ,  00" + quantity + " ";
      good.add(new Timed(time, text));
      for (Instant window : slidingStarts(time, 20_000, 10_000)) {
        totals.computeIfAbsent(window, w -> new HashMap<>()).merge(product, quantity, Long::sum);
      }
    }
    Set<String> expected = new TreeSet<>();
    totals.forEach(
        (window, perProduct) -> {
          Map.Entry<String, Long> best = null;
          for (Map.Entry<String, Long> e : new TreeMap<>(perProduct).entrySet()) {
            best =
                best == null || e.getValue() > best.getValue()
                    ? e
                    : best; // ties: the smaller name came first
          }
          expected.add(
              windowed(window, 20_000, "product", best.getKey(), "quantity", best.getValue()));
        });

    fuzz(
        "best-seller",
        List.of("--windowSeconds=20", "--slideSeconds=10"),
        random,
        good,
        expected,
        HostileInputTest::badSale,
        Bad.payload(
            "pen," + HostileReplay.digits(random, HostileReplay.LARGE),
            "quantity is not a whole number"));
  }

  private static Bad badSale(Random random) {
    String[][] cases = {
      {"pen", "expected 'product,quantity'"},
      {"", "expected 'product,quantity'"},
      {"   ", "expected 'product,quantity'"},
      {"pen;3", "expected 'product,quantity'"},
      {"pen,3,4", "expected 'product,quantity'"},
      {"\"pen, blue\",3", "expected 'product,quantity'"},
      {",3", "product is empty"},
      {"  ,3", "product is empty"},
      {"pen,0", "quantity must be positive"},
      {"pen,-3", "quantity must be positive"},
      {"pen,-0", "quantity must be positive"},
      {"\"pen,3\"", "quantity is not a whole number"},
      {"pen,", "quantity is not a whole number"},
      {"pen,1.5", "quantity is not a whole number"},
      {"pen,NaN", "quantity is not a whole number"},
      {"pen,Infinity", "quantity is not a whole number"},
      {"pen,1e309", "quantity is not a whole number"},
      {"pen,three", "quantity is not a whole number"},
      {"pen,99999999999999999999", "quantity is not a whole number"},
      {"pen,9223372036854775807", "quantity must be at most"},
      {"pen,1000000001", "quantity must be at most"},
    };
    String[] c = cases[random.nextInt(cases.length)];
    return Bad.payload(c[0], c[1]);
  }

  // ---- window-ops: numeric lines, and 'key value' lines

  @Test
  void reduceByWindow() throws IOException {
    Random random = new Random(SEED + 2);
    List<Timed> good = new ArrayList<>();
    Map<Instant, BigDecimal> sums = new HashMap<>();
    for (int i = 0; i < 600; i++) {
      Instant time = randomTime(random);
      String number = goodNumber(random);
      good.add(new Timed(time, random.nextInt(5) == 0 ? " " + number + " " : number));
      for (Instant window : slidingStarts(time, 20_000, 10_000)) {
        sums.merge(window, new BigDecimal(number), BigDecimal::add);
      }
    }
    Set<String> expected = new TreeSet<>();
    sums.forEach((window, sum) -> expected.add(windowed(window, 20_000, "sum", sum)));

    fuzz(
        "window-ops",
        List.of("--op=reduce-by-window", "--windowSeconds=20", "--slideSeconds=10"),
        random,
        good,
        expected,
        r -> pick(r, BAD_NUMBERS),
        Bad.payload(HostileReplay.digits(random, HostileReplay.LARGE), "number too long"));
  }

  @Test
  void reduceByKeyAndWindow() throws IOException {
    Random random = new Random(SEED + 3);
    String[] keys = {"cpu", "mem", "zoë", "日本"};
    String[] spaces = {" ", "\t", "   ", " \t"};
    List<Timed> good = new ArrayList<>();
    Map<List<Object>, BigDecimal> sums = new HashMap<>();
    for (int i = 0; i < 600; i++) {
      Instant time = randomTime(random);
      String key = keys[random.nextInt(keys.length)];
      String number = goodNumber(random);
      String text = key + spaces[random.nextInt(spaces.length)] + number;
      good.add(new Timed(time, random.nextInt(5) == 0 ? " " + text + " " : text));
      for (Instant window : slidingStarts(time, 20_000, 10_000)) {
        sums.merge(List.of(window, key), new BigDecimal(number), BigDecimal::add);
      }
    }
    Set<String> expected = new TreeSet<>();
    sums.forEach(
        (key, sum) ->
            expected.add(windowed((Instant) key.get(0), 20_000, "key", key.get(1), "sum", sum)));

    fuzz(
        "window-ops",
        List.of("--op=reduce-by-key-and-window", "--windowSeconds=20", "--slideSeconds=10"),
        random,
        good,
        expected,
        HostileInputTest::badKeyValue,
        Bad.payload("cpu " + HostileReplay.digits(random, HostileReplay.LARGE), "number too long"));
  }

  /** Exact decimals of every shape the parser takes: signs, fractions, exponents, -0. */
  private static String goodNumber(Random random) {
    String[] odd = {
      "-0",
      "10.001",
      "1e309",
      "-1E+309",
      "2.5e-3",
      "+7",
      "0.1",
      "0.2",
      "123456789012345678901234567890.5"
    };
    return random.nextInt(4) == 0
        ? odd[random.nextInt(odd.length)]
        : BigDecimal.valueOf(random.nextInt(2_000_001) - 1_000_000, random.nextInt(4))
            .toPlainString();
  }

  private static final String[][] BAD_NUMBERS = {
    {"", "not a decimal number"},
    {"   ", "not a decimal number"},
    {"abc", "not a decimal number"},
    {"NaN", "not a decimal number"},
    {"Infinity", "not a decimal number"},
    {"-Infinity", "not a decimal number"},
    {"1,5", "not a decimal number"},
    {"0x10", "not a decimal number"},
    {"1e", "not a decimal number"},
    {"--1", "not a decimal number"},
    {"1.2.3", "not a decimal number"},
    {"1e999999999", "number out of range"},
    {"-1e999999999", "number out of range"},
    {"1e-999999999", "number out of range"},
    {"1e1001", "number out of range"},
  };

  private static String[] badNumber(Random random) {
    return BAD_NUMBERS[random.nextInt(BAD_NUMBERS.length)];
  }

  private static Bad badKeyValue(Random random) {
    if (random.nextBoolean()) {
      String[] number = badNumber(random);
      if (!number[0].isBlank() && !number[0].contains(" ")) {
        return Bad.payload("cpu " + number[0], number[1]);
      }
    }
    String[] shapes = {"cpu", "", "   ", "1.5", "cpu 1 2", "cpu\t1\t2", "cpu 1 mem 2"};
    return Bad.payload(shapes[random.nextInt(shapes.length)], "expected '<key> <number>'");
  }

  // ---- sessions: {"id": <int>, "data": <string>, "isLast": <bool>}

  @Test
  void sessions() throws IOException {
    Random random = new Random(SEED + 4);
    String[] data = {"home", "cart", "checkout", "zoë", "日本", "say \"hi\""};
    List<Timed> good = new ArrayList<>();
    Map<Long, List<Object[]>> eventsById = new HashMap<>(); // {time, data, isLast}
    for (int user = 0; user < 120; user++) {
      long id = user == 0 ? 9_007_199_254_740_993L : user; // not even a double holds this id
      long t = random.nextInt(600_000);
      for (int session = 1 + random.nextInt(3); session > 0; session--) {
        boolean endsWithLast = random.nextBoolean();
        int events = 1 + random.nextInt(4);
        for (int e = 0; e < events; e++) {
          boolean isLast = endsWithLast && e == events - 1;
          String value = data[random.nextInt(data.length)];
          Map<String, Object> event = new LinkedHashMap<>();
          event.put("id", id);
          event.put("data", value);
          if (isLast || random.nextBoolean()) {
            event.put("isLast", isLast);
          }
          good.add(new Timed(START.plus(t), render(event)));
          eventsById
              .computeIfAbsent(id, k -> new ArrayList<>())
              .add(new Object[] {t, value, isLast});
          t += e < events - 1 ? 1 + random.nextInt(29_999) : 0; // within the gap
        }
        // the next session: soon after an isLast, else exactly the gap or more later
        t +=
            endsWithLast
                ? 1 + random.nextInt(5_000)
                : 30_000 + (random.nextBoolean() ? 0 : random.nextInt(60_000));
      }
    }
    Set<String> expected = new TreeSet<>();
    eventsById.forEach(
        (id, events) -> {
          events.sort((a, b) -> Long.compare((long) a[0], (long) b[0]));
          List<Object[]> session = new ArrayList<>();
          for (int i = 0; i <= events.size(); i++) {
            Object[] event = i < events.size() ? events.get(i) : null;
            Object[] previous = session.isEmpty() ? null : session.get(session.size() - 1);
            if (previous != null
                && (event == null
                    || (boolean) previous[2]
                    || (long) event[0] - (long) previous[0] >= 30_000)) {
              expected.add(
                  json(
                      "id", id,
                      "start", START.plus((long) session.get(0)[0]).toString(),
                      "end", START.plus((long) previous[0]).toString(),
                      "events", session.stream().map(e -> e[1]).toList(),
                      "closed_by", (boolean) previous[2] ? "last" : "timeout"));
              session = new ArrayList<>();
            }
            if (event != null) {
              session.add(event);
            }
          }
        });

    fuzz(
        "sessions",
        List.of("--gapSeconds=30"),
        random,
        good,
        expected,
        r -> badUserEvent(r, good.get(r.nextInt(good.size())).payload()),
        Bad.payload(
            "{\"id\":1,\"data\":\"" + HostileReplay.letters(random, HostileReplay.LARGE),
            "not JSON"));
  }

  private static Bad badUserEvent(Random random, String goodEvent) {
    String[][] cases = {
      {"{\"data\":\"a\"}", "'id' must be an integer"},
      {"{\"id\":\"7\",\"data\":\"a\"}", "'id' must be an integer"},
      {"{\"id\":7.5,\"data\":\"a\"}", "'id' must be an integer"},
      {"{\"id\":1e309,\"data\":\"a\"}", "'id' must be an integer"},
      {"{\"id\":99999999999999999999,\"data\":\"a\"}", "'id' must be an integer"},
      {"{\"id\":true,\"data\":\"a\"}", "'id' must be an integer"},
      {"{\"id\":null,\"data\":\"a\"}", "'id' must be an integer"},
      {"{\"id\":7}", "'data' must be a string"},
      {"{\"id\":7,\"data\":5}", "'data' must be a string"},
      {"{\"id\":7,\"data\":null}", "'data' must be a string"},
      {"{\"id\":7,\"data\":[\"a\"]}", "'data' must be a string"},
      {"{\"id\":7,\"data\":\"a\",\"isLast\":\"true\"}", "'isLast' must be true or false"},
      {"{\"id\":7,\"data\":\"a\",\"isLast\":1}", "'isLast' must be true or false"},
      {"{\"id\":7,\"data\":\"a\",\"isLast\":null}", "'isLast' must be true or false"},
    };
    return random.nextInt(3) == 0 ? badJson(random, goodEvent) : pick(random, cases);
  }

  // ---- activity-runs: {"user": <string>, "timestamp": <epoch millis>, "activity": <string>}

  @Test
  void activityRuns() throws IOException {
    Random random = new Random(SEED + 5);
    String[] users = {"zoë", "ann", "bob", "日本", "say \"hi\"", "u1", "u2", "u3"};
    String[] activities = {"walk", "run", "sit", "swim"};
    List<Timed> good = new ArrayList<>();
    Set<String> expected = new TreeSet<>();
    for (String user : users) {
      long t = START.getMillis() + random.nextInt(600_000);
      String activity = activities[random.nextInt(activities.length)];
      long runStart = t;
      for (int e = 0; e < 60; e++) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("user", user);
        event.put("timestamp", t);
        event.put("activity", activity);
        good.add(
            new Timed(
                randomTime(random), render(event))); // event time is the payload's, not the line's
        long gap =
            random.nextInt(5) == 0 ? 30_000 + random.nextInt(60_000) : 1 + random.nextInt(29_999);
        String next =
            random.nextInt(5) < 3 ? activity : activities[random.nextInt(activities.length)];
        if (e == 59 || gap >= 30_000 || !next.equals(activity)) {
          expected.add(
              json(
                  "user",
                  user,
                  "activity",
                  activity,
                  "start",
                  new Instant(runStart).toString(),
                  "end",
                  new Instant(t).toString()));
          runStart = t + gap;
        }
        t += gap;
        activity = next;
      }
    }

    fuzz(
        "activity-runs",
        List.of("--gapSeconds=30"),
        random,
        good,
        expected,
        r -> badActivity(r, good.get(r.nextInt(good.size())).payload()),
        Bad.payload(
            "{\"user\":\""
                + HostileReplay.letters(random, HostileReplay.LARGE)
                + "\",\"timestamp\":\"soon\",\"activity\":\"x\"}",
            "'timestamp' must be"));
  }

  private static Bad badActivity(Random random, String goodActivity) {
    String[][] cases = {
      {"{\"timestamp\":1767225600000,\"activity\":\"walk\"}", "'user' must be a non-empty string"},
      {
        "{\"user\":\"\",\"timestamp\":1767225600000,\"activity\":\"walk\"}",
        "'user' must be a non-empty string"
      },
      {
        "{\"user\":5,\"timestamp\":1767225600000,\"activity\":\"walk\"}",
        "'user' must be a non-empty string"
      },
      {
        "{\"user\":null,\"timestamp\":1767225600000,\"activity\":\"walk\"}",
        "'user' must be a non-empty string"
      },
      {"{\"user\":\"ann\",\"activity\":\"walk\"}", "'timestamp' must be"},
      {
        "{\"user\":\"ann\",\"timestamp\":\"1767225600000\",\"activity\":\"walk\"}",
        "'timestamp' must be"
      },
      {
        "{\"user\":\"ann\",\"timestamp\":1.7672256E12,\"activity\":\"walk\"}", "'timestamp' must be"
      },
      {"{\"user\":\"ann\",\"timestamp\":1e309,\"activity\":\"walk\"}", "'timestamp' must be"},
      {
        "{\"user\":\"ann\",\"timestamp\":99999999999999999999,\"activity\":\"walk\"}",
        "'timestamp' must be"
      },
      {"{\"user\":\"ann\",\"timestamp\":null,\"activity\":\"walk\"}", "'timestamp' must be"},
      // whole numbers, but no window or runner can hold such a time
      {
        "{\"user\":\"ann\",\"timestamp\":9223372036854775807,\"activity\":\"walk\"}",
        "'timestamp' must be"
      },
      {
        "{\"user\":\"ann\",\"timestamp\":-9223372036854775808,\"activity\":\"walk\"}",
        "'timestamp' must be"
      },
      {
        "{\"user\":\"ann\",\"timestamp\":253402300800000,\"activity\":\"walk\"}",
        "'timestamp' must be"
      },
      {
        "{\"user\":\"ann\",\"timestamp\":-62135596800001,\"activity\":\"walk\"}",
        "'timestamp' must be"
      },
      {"{\"user\":\"ann\",\"timestamp\":1767225600000}", "'activity' must be a string"},
      {
        "{\"user\":\"ann\",\"timestamp\":1767225600000,\"activity\":5}",
        "'activity' must be a string"
      },
      {
        "{\"user\":\"ann\",\"timestamp\":1767225600000,\"activity\":null}",
        "'activity' must be a string"
      },
    };
    return random.nextInt(3) == 0 ? badJson(random, goodActivity) : pick(random, cases);
  }

  /**
   * JSON gone wrong around a good object: cut short, trailing text, duplicate keys, not an object.
   */
  private static Bad badJson(Random random, String goodObject) {
    String[][] cases = {
      {
        goodObject.substring(0, 1 + random.nextInt(goodObject.length() - 1)), "not JSON"
      }, // truncated
      {goodObject + " trailing", "not JSON"},
      {goodObject + goodObject, "not JSON"},
      {goodObject.replace("{", "{\"id\":1,\"user\":\"ann\","), "not JSON"}, // a key twice
      {goodObject.replace('"', '\''), "not JSON"},
      {goodObject.replace(",", ",/*c*/"), "not JSON"},
      {"{\"id\":NaN,\"data\":\"a\"}", "not JSON"},
      {"{id:1,data:\"a\"}", "not JSON"},
      {"[".repeat(5_000), "not JSON"},
      {"{\"a\":".repeat(5_000), "not JSON"},
      {"[" + goodObject + "]", "not a JSON object"},
      {"42", "not a JSON object"},
      {"\"text\"", "not a JSON object"},
      {"null", "not a JSON object"},
      {"true", "not a JSON object"},
      {"", "JSON"},
      {"  ", "JSON"},
    };
    return pick(random, cases);
  }

  // ---- fraud: CSV id,MM/dd/yyyy,account,amount,description

  @Test
  void fraud() throws IOException {
    Random random = new Random(SEED + 6);
    // accounts without history: they never alert, so the results are exactly the transactions
    String[] accounts = {"ACC-001", " ACC-002 ", "zoë-7", "日本-1"};
    String[] descriptions = {"Gas", "Books", "Café au lait", "He said \"hi\"", "  spaced  "};
    DateTimeFormatter usDate = DateTimeFormatter.ofPattern("MM/dd/yyyy");
    List<Timed> good = new ArrayList<>();
    Set<String> expected = new TreeSet<>();
    for (int id = 1; id <= 600; id++) {
      LocalDate date = LocalDate.of(2020, 1, 1).plusDays(random.nextInt(4_000));
      String account = accounts[random.nextInt(accounts.length)];
      BigDecimal amount =
          id == 600
              ? new BigDecimal("999999999999999.99")
              : BigDecimal.valueOf(random.nextInt(900_000), random.nextInt(3)); // up to 8999.99
      String text =
          id
              + ","
              + date.format(usDate)
              + ","
              + account
              + ","
              + amount.toPlainString()
              + ","
              + descriptions[random.nextInt(descriptions.length)];
      good.add(new Timed(randomTime(random), text));
      expected.add(
          json(
              "kind",
              "transaction",
              "id",
              id,
              "account",
              account.strip(),
              "amount",
              amount.setScale(2),
              "possible_fraud",
              amount.compareTo(new BigDecimal("4000")) > 0));
    }
    good.add(new Timed(randomTime(random), "601,02/29/2028,ACC-001,4000.01,Leap day"));
    expected.add(
        json(
            "kind",
            "transaction",
            "id",
            601,
            "account",
            "ACC-001",
            "amount",
            new BigDecimal("4000.01"),
            "possible_fraud",
            true));

    fuzz(
        "fraud",
        List.of("--historyFile=src/main/resources/dev/streamstate/pipelines/sample-history.csv"),
        random,
        good,
        expected,
        HostileInputTest::badTransaction,
        transaction(
            "7",
            "01/05/2026",
            "ACC-001",
            "10.00",
            HostileReplay.letters(random, HostileReplay.LARGE) + ",more",
            "expected 5 comma-separated fields"));
  }

  private static Bad badTransaction(Random random) {
    String id = Integer.toString(1 + random.nextInt(100_000));
    String date = "01/05/2026";
    String account = "ACC-001";
    String amount = "10.00";
    String description = "Gas";
    String[] badIds = {"", "abc", "-1", "1.0", " 1", "\"1\"", "1234567890123456789", "١٢"};
    String[] badDates = {
      "02/30/2026",
      "13/01/2026",
      "00/10/2026",
      "1/5/2026",
      "2026-01-05",
      "02/29/2026",
      "12/32/2026",
      "\"01/05/2026\"",
      ""
    };
    String[] badAmounts = {
      "NaN",
      "Infinity",
      "1e309",
      "-0",
      "10.001",
      "+10.00",
      " 10.00",
      "",
      "1234567890123456.00",
      "-5.00",
      "0x10",
      "ten",
      "10."
    };
    String[] blanks = {"", "   "};
    return switch (random.nextInt(8)) {
      case 0 ->
          transaction(
              pick(random, badIds),
              date,
              account,
              amount,
              description,
              "id must be a whole number");
      case 1 ->
          transaction(
              id, pick(random, badDates), account, amount, description, "date must be a real day");
      case 2 ->
          transaction(id, date, pick(random, blanks), amount, description, "account is empty");
      case 3 ->
          transaction(
              id,
              date,
              account,
              pick(random, badAmounts),
              description,
              "amount must be a plain decimal");
      case 4 ->
          transaction(id, date, account, amount, pick(random, blanks), "description is empty");
      case 5 ->
          transaction(
              id,
              date,
              account,
              "1,000.00",
              description,
              "expected 5 comma-separated fields"); // 6 fields
      case 6 ->
          transaction(
              id, date, account, amount, "\"Gas, Oil\"", "expected 5 comma-separated fields");
      default -> {
        String[] shapes = {
          id + "," + date + "," + account + "," + amount,
          id,
          "",
          "   ",
          id + ",,,,,",
          id + "," + date + ";" + account + ";" + amount
        };
        String text = pick(random, shapes);
        yield Bad.payload(text, "expected 5 comma-separated fields", readableId(text));
      }
    };
  }

  /** A malformed transaction; its dead letter keeps the id where the first field still is one. */
  private static Bad transaction(
      String id, String date, String account, String amount, String description, String reason) {
    String text = String.join(",", id, date, account, amount, description);
    return Bad.payload(text, reason, readableId(text));
  }

  private static String readableId(String line) {
    String first = line.split(",", -1)[0];
    return first.matches("[0-9]{1,18}") ? first : null;
  }

  // ---- the run, and the checks every pipeline shares

  /**
   * Writes the good records, {@link #MALFORMED} payloads from {@code malformed}, malformed bytes
   * and replay lines, three huge lines under the cap (one of them {@code huge}) and one over it
   * into one replay file, runs the pipeline on it, and checks results and dead letters exactly.
   */
  private void fuzz(
      String pipeline,
      List<String> options,
      Random random,
      List<Timed> good,
      Set<String> expected,
      Function<Random, Bad> malformed,
      Bad huge)
      throws IOException {
    HostileReplay replay = new HostileReplay(random);
    good.forEach(replay::good);
    for (int i = 0; i < MALFORMED; i++) {
      replay.bad(malformed.apply(random));
    }
    for (int i = 0; i < MALFORMED_LINES; i++) {
      replay.bad(Bad.notUtf8(HostileReplay.notUtf8(random)));
      replay.bad(
          HostileReplay.badReplayLine(random, good.get(random.nextInt(good.size())).payload()));
    }
    replay.bad(huge);
    replay.bad(HostileReplay.hugeNotUtf8(random));
    replay.bad(HostileReplay.hugeWithoutTab(random));
    replay.bad(HostileReplay.overTheCap(random));
    String name = pipeline + options.hashCode();
    Path input = dir.resolve(name + ".tsv");
    replay.write(input);
    Path output = dir.resolve(name + "-out.jsonl");
    Path deadLetters = dir.resolve(name + "-dead.jsonl");

    List<String> args =
        new ArrayList<>(
            List.of(
                pipeline,
                "--runner=DirectRunner",
                "--source=file",
                "--input=" + input,
                "--sink=file",
                "--output=" + output,
                "--deadLetters=" + deadLetters,
                // The DirectRunner's own checks re-encode every element at every step (megabyte
                // lines too); other tests keep them, here they would only multiply the run time.
                "--enforceImmutability=false",
                "--enforceEncodability=false"));
    args.addAll(options);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = StreamState.run(args.toArray(String[]::new), System.out, new PrintStream(err, true));
    String log = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, log.length() > 5_000 ? log.substring(0, 5_000) : log);

    List<String> results = Files.readAllLines(output);
    assertEquals(expected, new TreeSet<>(results), "every good record's result, and nothing else");
    assertEquals(expected.size(), results.size(), "no result twice");
    replay.checkDeadLetters(Files.readAllLines(deadLetters));
    assertThat(
        log,
        containsString(
            "streamstate "
                + pipeline
                + ": "
                + results.size()
                + " results, "
                + replay.badCount()
                + " dead letters"));

    Map<Layer, Integer> bad = replay.badCounts();
    bad.forEach((layer, count) -> TOTALS.merge(layer, count, Integer::sum));
    System.out.printf(
        "fuzz %s: %d malformed (%d payloads, %d not UTF-8, %d not replay lines, %d over the cap) -> %d"
            + " dead letters, %d good -> %d results, all as expected%n",
        label(pipeline, options),
        replay.badCount(),
        bad.get(Layer.PAYLOAD),
        bad.get(Layer.UTF8),
        bad.get(Layer.REPLAY_LINE),
        bad.get(Layer.SIZE),
        replay.badCount(),
        replay.goodCount(),
        results.size());
  }

  private static String label(String pipeline, List<String> options) {
    return options.stream()
        .filter(o -> o.startsWith("--op="))
        .map(o -> pipeline + " " + o.substring(5))
        .findFirst()
        .orElse(pipeline);
  }

  /**
   * The starts of the sliding windows of {@code size} every {@code slide} milliseconds holding
   * {@code time}.
   */
  private static List<Instant> slidingStarts(Instant time, long size, long slide) {
    List<Instant> starts = new ArrayList<>();
    long last = time.getMillis() - Math.floorMod(time.getMillis(), slide);
    for (long start = last; start > time.getMillis() - size; start -= slide) {
      starts.add(new Instant(start));
    }
    return starts;
  }

  private static Instant start(Instant time, long size) {
    return slidingStarts(time, size, size).get(0);
  }

  /** A windowed result line: {@code window_start}, {@code window_end}, then the fields. */
  private static String windowed(Instant start, long size, Object... namesAndValues) {
    Object[] all = new Object[namesAndValues.length + 4];
    all[0] = "window_start";
    all[1] = start.toString();
    all[2] = "window_end";
    all[3] = start.plus(size).toString();
    System.arraycopy(namesAndValues, 0, all, 4, namesAndValues.length);
    return json(all);
  }

  private static String json(Object... namesAndValues) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return render(fields);
  }

  private static String render(Map<String, Object> fields) {
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Bad pick(Random random, String[][] cases) {
    String[] c = cases[random.nextInt(cases.length)];
    return Bad.payload(c[0], c[1]);
  }

  private static String pick(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }
}
