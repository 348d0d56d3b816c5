// Every command file uses the support shared with keyceremony-online (CommandFailure, Output);
// one re-export makes it visible to the whole module.
@_exported import CommandSupport
