// The `backprop` command is assembled in the next commit (BackpropCommands).
print("backprop: the command-line interface is not built yet")
