// gRPC C++ client for the RPC benchmark: `echo_client <port> <calls> <concurrency> <payload bytes>`.
// Each of <concurrency> threads makes blocking unary calls in a loop; prints one line
// "calls=<n> seconds=<s> rps=<r> p50_us=<x> p99_us=<y>" after a warm-up of 1000 calls.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "echo.grpc.pb.h"

using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: echo_client <port> <calls> <concurrency> <payload bytes>\n");
    return 2;
  }
  const std::string target = std::string("127.0.0.1:") + argv[1];
  const int calls = std::atoi(argv[2]);
  const int concurrency = std::max(1, std::atoi(argv[3]));
  const int payloadSize = std::atoi(argv[4]);
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(100 * 1024 * 1024);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  auto stub = bench::Echo::NewStub(channel);
  bench::EchoMessage request;
  request.set_payload(std::string(payloadSize, 'x'));

  auto call = [&](bench::EchoMessage* reply) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status status = stub->Unary(&context, request, reply);
    if (!status.ok() || reply->payload().size() != request.payload().size()) {
      std::fprintf(stderr, "echo_client: call failed: %d %s\n", status.error_code(), status.error_message().c_str());
      std::exit(1);
    }
  };
  for (int i = 0; i < 1000; i++) {
    bench::EchoMessage reply;
    call(&reply);
  }

  std::vector<std::vector<double>> latencies(concurrency);
  const int perThread = calls / concurrency;
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; t++) {
    threads.emplace_back([&, t] {
      latencies[t].reserve(perThread);
      for (int i = 0; i < perThread; i++) {
        bench::EchoMessage reply;
        auto begin = Clock::now();
        call(&reply);
        latencies[t].push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& list : latencies) all.insert(all.end(), list.begin(), list.end());
  std::sort(all.begin(), all.end());
  auto percentile = [&](double p) { return all[std::min(all.size() - 1, size_t(p * all.size()))]; };
  std::printf("calls=%zu seconds=%.4f rps=%.1f p50_us=%.1f p99_us=%.1f\n", all.size(), seconds, all.size() / seconds,
              percentile(0.50), percentile(0.99));
  return 0;
}
