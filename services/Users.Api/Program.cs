using Users.Api.Apis;
using Users.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddApiDefaults(UsersApiDocument.Describe);
builder.AddApplicationServices();

var app = builder.Build();

app.UseApiDefaults();
app.MapConnectApi();
app.MapUsersApi();
app.MapAccountLinksApi();
app.MapInternalUsersApi();
app.MapApiTokensApi();

app.Run();

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
