using Escala.Server.Cli;

return await EscalaCli.RunAsync(args);
