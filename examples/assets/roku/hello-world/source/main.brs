' Minimal SceneGraph channel used by the Roku examples: shows one label until closed.
sub Main()
  screen = CreateObject("roSGScreen")
  port = CreateObject("roMessagePort")
  screen.SetMessagePort(port)
  screen.CreateScene("HelloScene")
  screen.Show()
  while true
    msg = Wait(0, port)
    if type(msg) = "roSGScreenEvent" and msg.IsScreenClosed() then return
  end while
end sub
