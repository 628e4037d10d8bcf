// A TwinResponseListener that records every call, for correlator tests.
package io.rxiothub.twin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the outcomes delivered to one request. */
class RecordingListener implements TwinResponseListener {

  final List<TwinResponse> responses = new CopyOnWriteArrayList<>();
  final List<TwinRequest> timeouts = new CopyOnWriteArrayList<>();

  @Override
  public void onResponse(TwinResponse response) {
    responses.add(response);
  }

  @Override
  public void onTimeout(TwinRequest request) {
    timeouts.add(request);
  }

  int outcomes() {
    return responses.size() + timeouts.size();
  }
}
