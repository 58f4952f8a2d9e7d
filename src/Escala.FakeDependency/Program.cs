// dotnet run --project src/Escala.FakeDependency -- --urls http://127.0.0.1:9100
await Escala.FakeDependency.FakeDependencyApp.Build(args).RunAsync();
