// Minimal gRPC C++ echo server for the RPC benchmark: binds 127.0.0.1:0 (or argv[1] port),
// prints "PORT <n>" and serves until killed.
#include <cstdio>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "echo.grpc.pb.h"

class EchoService final : public bench::Echo::Service {
  grpc::Status Unary(grpc::ServerContext*, const bench::EchoMessage* request, bench::EchoMessage* reply) override {
    reply->set_payload(request->payload());
    return grpc::Status::OK;
  }
};

int main(int argc, char** argv) {
  std::string port = argc > 1 ? argv[1] : "0";
  EchoService service;
  grpc::ServerBuilder builder;
  int selected = 0;
  builder.AddListeningPort("127.0.0.1:" + port, grpc::InsecureServerCredentials(), &selected);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || selected == 0) {
    std::fprintf(stderr, "echo_server: could not listen on 127.0.0.1:%s\n", port.c_str());
    return 1;
  }
  std::printf("PORT %d\n", selected);
  std::fflush(stdout);
  server->Wait();
  return 0;
}
