Console.WriteLine("placement-api: skeleton");
