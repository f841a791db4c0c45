// Integration specs start real servers and wait on real I/O.
jest.setTimeout(120_000);
