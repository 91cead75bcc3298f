/**
 * Erlang C (M/M/N): the textbook queue the simulator is compared with. `traffic` is the offered
 * load A = λ·h in Erlangs, `servers` N, `handleS` the mean handle time h, `thresholdS` the
 * service-level threshold t. Null figures when A ≥ N (the queue grows without bound).
 */
export interface ErlangC {
  readonly probabilityOfWaiting: number | null;
  readonly serviceLevel: number | null;
  readonly averageSpeedOfAnswerS: number | null;
  readonly occupancy: number | null;
}

export function erlangC(
  traffic: number,
  servers: number,
  handleS: number,
  thresholdS: number,
): ErlangC {
  if (servers <= 0 || traffic >= servers) {
    return {
      probabilityOfWaiting: null,
      serviceLevel: null,
      averageSpeedOfAnswerS: null,
      occupancy: null,
    };
  }
  // Sum A^k/k! iteratively (no factorial overflow for hundreds of servers).
  let term = 1;
  let sum = 1;
  for (let k = 1; k < servers; k++) {
    term *= traffic / k;
    sum += term;
  }
  const last = (term * traffic) / servers; // A^N / N!
  const tail = (last * servers) / (servers - traffic);
  const pw = tail / (sum + tail);
  return {
    probabilityOfWaiting: pw,
    serviceLevel: 1 - pw * Math.exp((-(servers - traffic) * thresholdS) / handleS),
    averageSpeedOfAnswerS: (pw * handleS) / (servers - traffic),
    occupancy: traffic / servers,
  };
}
