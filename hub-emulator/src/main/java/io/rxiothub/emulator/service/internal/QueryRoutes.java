// POST /devices/query: the IoT Hub query language over device and module twins, paged with x-ms-max-item-count
// and x-ms-continuation (docs/service-api.md §10).
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.internal.query.Query;
import io.rxiothub.emulator.internal.query.QueryEvaluator;
import io.rxiothub.emulator.internal.query.QueryParser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Runs queries over a snapshot of the twins; each page re-runs the query and skips to its offset. */
final class QueryRoutes {

  /** Page size when the caller sends none (the Java SDK sends 50 by default). */
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;

  private final TwinRoutes twins;
  private final JobRunner jobs;

  QueryRoutes(TwinRoutes twins, JobRunner jobs) {
    this.twins = twins;
    this.jobs = jobs;
  }

  HttpAnswer query(HttpCall call) {
    ObjectNode body = ServiceJson.object(call.body(), "the query request");
    JsonNode text = body.get("query");
    if (text == null || !text.isTextual()) {
      throw HubError.badRequest("the body must be {\"query\":\"SELECT … FROM devices …\"}");
    }
    Query query;
    try {
      query = QueryParser.parse(text.textValue());
    } catch (IllegalArgumentException e) {
      throw HubError.badRequest(e.getMessage());
    }
    int pageSize = pageSize(call.header("x-ms-max-item-count"));
    int offset = offset(call.header("x-ms-continuation"), text.textValue());
    List<JsonNode> rows;
    try {
      rows = QueryEvaluator.run(query, documents(query.from()));
    } catch (IllegalArgumentException e) {
      throw HubError.badRequest(e.getMessage());
    }
    ArrayNode page = ServiceJson.JSON.createArrayNode();
    for (int i = offset; i < rows.size() && page.size() < pageSize; i++) {
      page.add(rows.get(i));
    }
    HttpAnswer.Builder answer = HttpAnswer.json(200, page.toString()).toBuilder()
        .header("x-ms-item-type", itemType(query));
    int end = offset + page.size();
    if (end < rows.size()) {
      answer.header("x-ms-continuation", token(end, text.textValue()));
    }
    return answer.build();
  }

  private List<JsonNode> documents(Query.Collection from) {
    return from == Query.Collection.JOBS ? jobs.deviceRows() : twins.documents(from == Query.Collection.MODULES);
  }

  private static String itemType(Query query) {
    if (!query.selectsAll()) {
      return "raw";
    }
    return switch (query.from()) {
      case DEVICES -> "twin";
      case MODULES -> "moduleTwin";
      case JOBS -> "deviceJob";
    };
  }

  static int pageSize(@Nullable String header) {
    if (header == null || header.isEmpty()) {
      return DEFAULT_PAGE;
    }
    try {
      int size = Integer.parseInt(header.trim());
      if (size >= 1 && size <= MAX_PAGE) {
        return size;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw HubError.badRequest("x-ms-max-item-count must be an integer in 1.." + MAX_PAGE + ", got '" + header + "'");
  }

  /** A continuation token: the next offset, bound to the query's text. */
  static String token(int offset, String query) {
    String raw = offset + ":" + Integer.toHexString(query.hashCode());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  static int offset(@Nullable String token, String query) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
      int colon = raw.indexOf(':');
      if (colon > 0 && raw.substring(colon + 1).equals(Integer.toHexString(query.hashCode()))) {
        int offset = Integer.parseInt(raw.substring(0, colon));
        if (offset >= 0) {
          return offset;
        }
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw HubError.badRequest("x-ms-continuation is not a token this emulator gave for this query");
  }
}
